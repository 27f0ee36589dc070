/**
 * @module record/validation/json
 * Narrowing parsed JSON without trusting it: the definitions files and the resources being validated are both
 * `unknown` until these say otherwise.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value as an array: an array as it is, anything else as one item (undefined as none). */
export function asList(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly unknown[]) : [value];
}

/** Only the items of an array that are objects (others are the structural validator's business). */
export const objectsIn = (value: unknown): readonly JsonObject[] => asList(value).filter(isJsonObject);

export const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
