/**
 * @module web/routes/fhir-match-parameters
 * The input of FHIR's `Patient/$match`, checked: a Parameters resource with the Patient to match (`resource`), and
 * optionally `onlyCertainMatches` and `count` (FHIR R4's Patient-match OperationDefinition).
 */
import type { RecordError } from '../../record/index.js';

export /** The input Parameters of `$match`: the Patient, onlyCertainMatches, count (FHIR R4's Patient-match definition). */
function matchParameters(
  body: unknown,
):
  | { ok: true; value: { patient: unknown; onlyCertain: boolean; count: number } }
  | { ok: false; error: RecordError } {
  const bad = (message: string): { ok: false; error: RecordError } => ({
    ok: false,
    error: { kind: 'invalid', message, expression: 'Parameters.parameter' },
  });
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { resourceType?: unknown }).resourceType !== 'Parameters'
  ) {
    return bad('Send a Parameters resource with a "resource" parameter holding the Patient to match.');
  }
  const list = (body as { parameter?: unknown }).parameter;
  // Each element is checked before it is read: a client may send anything in the array.
  const parameters = (Array.isArray(list) ? (list as unknown[]) : []).filter(
    (p): p is Record<string, unknown> => typeof p === 'object' && p !== null,
  );
  const named = (name: string) => parameters.find((p) => p['name'] === name);
  const patient = named('resource')?.['resource'];
  if (patient === undefined)
    return bad('The "resource" parameter, holding the Patient to match, is missing.');
  const certain = named('onlyCertainMatches')?.['valueBoolean'];
  const count = named('count')?.['valueInteger'];
  if (
    count !== undefined &&
    !(Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 100)
  ) {
    return bad('"count" must be a whole number from 1 to 100.');
  }
  return {
    ok: true,
    value: { patient, onlyCertain: certain === true, count: (count as number | undefined) ?? 10 },
  };
}
