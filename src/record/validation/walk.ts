/**
 * @module record/validation/walk
 * Walks a resource along its walk plan and hands each bound coded value and each Identifier to the checks. Values of
 * the wrong JSON type are passed over: @medplum/core's validator reports those.
 */
import { isJsonObject, type JsonObject } from './json.js';
import { ANY_RESOURCE, type CodedKind, type RequiredBinding, type WalkPlan } from './walk-plan.js';

export interface WalkVisitor {
  coded(value: unknown, kind: CodedKind, binding: RequiredBinding, path: string): void;
  identifier(value: JsonObject, path: string): void;
  /** The resource itself and every resource inside it (contained, Bundle entries); walked on only if known. */
  resource(value: JsonObject, path: string): void;
}

// Deeper than any real resource: beyond it the walk gives up with a RangeError (as a stack overflow would), which
// the validator reports as a resource too deeply nested, rather than skipping what lies below unchecked.
const MAX_DEPTH = 100;

export function walkResource(
  resource: JsonObject & { readonly resourceType: string },
  plan: WalkPlan,
  visitor: WalkVisitor,
): void {
  visitor.resource(resource, resource.resourceType);
  walk(resource, resource.resourceType, resource.resourceType, plan, visitor, 0);
}

function walk(
  value: JsonObject,
  type: string,
  path: string,
  plan: WalkPlan,
  visitor: WalkVisitor,
  depth: number,
): void {
  if (depth > MAX_DEPTH) throw new RangeError('Resource nested too deeply');
  if (type === 'Identifier') visitor.identifier(value, path);
  const elements = plan.get(type);
  if (elements === undefined) return;
  for (const element of elements)
    for (const property of element.properties) {
      const found = value[property.property];
      if (found === undefined) continue;
      const many = Array.isArray(found);
      const items: readonly unknown[] = many ? found : [found];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const itemPath = many ? `${path}.${property.property}[${i}]` : `${path}.${property.property}`;
        if (property.binding !== undefined)
          visitor.coded(item, property.type as CodedKind, property.binding, itemPath);
        if (!property.descend || !isJsonObject(item)) continue;
        if (property.type !== ANY_RESOURCE) walk(item, property.type, itemPath, plan, visitor, depth + 1);
        else {
          visitor.resource(item, itemPath);
          const itemType = item.resourceType;
          if (typeof itemType === 'string' && itemType !== ANY_RESOURCE)
            walk(item, itemType, itemPath, plan, visitor, depth + 1);
        }
      }
    }
}
