/**
 * @module record/validation/choice-paths
 * @medplum/core names a choice element by its definition (`Observation.value[x].value`); a sender knows it by its
 * JSON property (`Observation.valueQuantity.value`). This puts the property the resource actually uses in the path,
 * and leaves the path as it was when the resource does not lead there.
 */
import { isJsonObject } from './json.js';

const SEGMENT = /^([A-Za-z_][\w]*)(\[x\])?(?:\[(\d+)\])?$/;

export function resolveChoicePath(resource: unknown, path: string): string {
  if (!path.includes('[x]')) return path;
  const [root, ...segments] = path.split('.');
  const resolved: string[] = [root ?? ''];
  let current: unknown = resource;
  for (const segment of segments) {
    const match = SEGMENT.exec(segment);
    if (match === null || !isJsonObject(current)) return path;
    const [, name = '', choice, index] = match;
    let property = name;
    if (choice !== undefined) {
      const holder = current;
      const found = Object.keys(holder).find(
        (key) => key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length)) && holder[key] !== undefined,
      );
      if (found === undefined) return path;
      property = found;
    }
    current = current[property];
    if (index !== undefined)
      current = Array.isArray(current) ? (current as readonly unknown[])[Number(index)] : undefined;
    resolved.push(index === undefined ? property : `${property}[${index}]`);
  }
  return resolved.join('.');
}
