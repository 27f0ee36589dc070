/**
 * @module identity/fhir-patient
 * A partner's FHIR R4 Patient resource as the demographics linkage compares it (`LinkRecord`). Partner feeds are a
 * trust boundary, so the elements read here are checked (a non-throwing parse) and every malformed one is reported
 * with its path; elements linkage does not use are never looked at, so an odd extension cannot stop a record.
 *
 * Which of several values is the person's now: the `official` name, else the `usual`, else one with no `use` (an
 * `old`, `maiden`, `nickname` or `anonymous` name is never taken — a maiden name compared with a married one is a
 * contradiction, not evidence); a current `home` address, else a current one with no `use`, else a current `temp`
 * one (`work`, `billing` and `old` addresses, and any whose period has ended, say nothing about where the person
 * lives, and a move is exactly what an old postcode would wrongly count against); likewise for the email. Pure:
 * no clock, so "current" means "no end to its period".
 *
 * The organisation's own record number is kept only in the id: numbers from different organisations' systems
 * are not comparable, so it is not an `otherIdentifier`.
 */
import { z } from 'zod';
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { LinkRecord } from './linkage/record.js';

/** UK Core's identifier system for the NHS number. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

const Text = z.string({ error: 'must be a string' });
const Period = z.looseObject({ start: Text.optional(), end: Text.optional() });
const HumanName = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'nickname', 'anonymous', 'old', 'maiden']).optional(),
  family: Text.optional(),
  given: z.array(Text).optional(),
  period: Period.optional(),
});
const Address = z.looseObject({
  use: z.enum(['home', 'work', 'temp', 'old', 'billing']).optional(),
  line: z.array(Text).optional(),
  city: Text.optional(),
  district: Text.optional(),
  postalCode: Text.optional(),
  period: Period.optional(),
});
const ContactPoint = z.looseObject({
  system: z.enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']).optional(),
  value: Text.optional(),
  use: z.enum(['home', 'work', 'temp', 'old', 'mobile']).optional(),
  period: Period.optional(),
});
const Identifier = z.looseObject({ system: Text.optional(), value: Text.optional() });
const Patient = z.looseObject({
  resourceType: z.literal('Patient', { error: 'must be "Patient"' }),
  id: Text.min(1, 'must not be empty'),
  identifier: z.array(Identifier).optional(),
  name: z.array(HumanName).optional(),
  telecom: z.array(ContactPoint).optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  birthDate: Text.optional(),
  address: z.array(Address).optional(),
});
type Patient = z.infer<typeof Patient>;

/** Text with something in it, or undefined: a blank element is a missing one. */
const filled = (text: string | undefined): string | undefined =>
  text === undefined || text.trim() === '' ? undefined : text;
const current = (item: { readonly period?: { readonly end?: string | undefined } | undefined }) =>
  item.period?.end === undefined;

/** The first item whose `use` is earliest in `uses` (undefined standing for "no use given"). */
function preferred<T extends { readonly use?: string | undefined }>(
  items: readonly T[],
  uses: readonly (string | undefined)[],
): T | undefined {
  for (const use of uses) {
    const found = items.find((item) => item.use === use);
    if (found !== undefined) return found;
  }
  return undefined;
}

function nameOf(patient: Patient) {
  return preferred(patient.name ?? [], ['official', 'usual', undefined]);
}

function homeAddressOf(patient: Patient) {
  return preferred((patient.address ?? []).filter(current), ['home', undefined, 'temp']);
}

function emailOf(patient: Patient): string | undefined {
  const emails = (patient.telecom ?? []).filter(
    (t) => t.system === 'email' && filled(t.value) !== undefined && current(t),
  );
  const email = preferred(emails, ['home', undefined, 'mobile', 'temp', 'work']);
  return filled(email?.value?.replace(/^mailto:/i, '').trim());
}

/**
 * Maps a Patient resource from `organisation`'s feed to a LinkRecord whose id is `<organisation>/<resource id>`
 * (resource ids are only unique within one organisation). A resource that is not a Patient, or whose elements used
 * here are malformed, is a problem listing every issue with its path.
 */
export function patientToLinkRecord(resource: unknown, organisation: string): Result<LinkRecord, Problem> {
  const parsed = Patient.safeParse(resource);
  if (!parsed.success) {
    const where =
      typeof resource === 'object' && resource !== null && 'id' in resource && typeof resource.id === 'string'
        ? `${organisation}/${resource.id}`
        : `a resource from ${organisation}`;
    const issues: Issue[] = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return { path, message: `${path === '' ? 'the resource' : path}: ${issue.message}` };
    });
    return err(
      problem(
        'bad-input',
        `${where} is not a Patient that linkage can read: ${issues.map((issue) => issue.message).join('; ')}.`,
        'Send a FHIR R4 Patient resource; the elements named must have the types FHIR gives them.',
        issues,
      ),
    );
  }
  const patient = parsed.data;
  const name = nameOf(patient);
  const address = homeAddressOf(patient);
  const lines = [...(address?.line ?? []), address?.city, address?.district].filter(
    (part) => filled(part) !== undefined,
  );
  return ok({
    id: `${organisation}/${patient.id}`,
    forename: name?.given?.find((given) => filled(given) !== undefined),
    surname: filled(name?.family),
    dateOfBirth: filled(patient.birthDate),
    sex: patient.gender,
    postcode: filled(address?.postalCode),
    nhsNumber: patient.identifier?.find(
      (id) => id.system === NHS_NUMBER_SYSTEM && filled(id.value) !== undefined,
    )?.value,
    address: lines.length === 0 ? undefined : lines.join(', '),
    email: emailOf(patient),
  });
}
