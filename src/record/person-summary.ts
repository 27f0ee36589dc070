/**
 * @module record/person-summary
 * A person's shared record as a clinician reads it (pure): demographics from the best source, with every
 * disagreement between sources shown rather than hidden; then problems, medications, allergies, immunisations,
 * care plans, carers and the people they care for, results, and encounters and episodes as one timeline — each item
 * with the organisation that recorded it and its date.
 *
 * The best source for demographics: a GP practice's record (registration is where the NHS keeps a person's details
 * up to date), else the most recently updated record. A field on which the sources disagree is listed as a
 * conflict with each source's value, so nobody acts on one partner's stale address without knowing.
 */
import type { StoredResource } from './repository.js';

type Json = Record<string, unknown>;

export interface Item {
  readonly text: string;
  readonly detail?: string;
  /** ISO date (or dateTime) of the item, as the source recorded it. */
  readonly date?: string;
  readonly source: string;
}

export interface Demographics {
  readonly name?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  readonly nhsNumber?: string;
  readonly address?: string;
  readonly phone?: string;
  readonly source: string;
}

export interface Conflict {
  readonly field: string;
  readonly values: readonly { readonly value: string; readonly source: string }[];
}

export interface PersonSummary {
  readonly demographics: Demographics | undefined;
  readonly conflicts: readonly Conflict[];
  readonly sources: readonly string[];
  readonly sections: readonly { readonly title: string; readonly items: readonly Item[] }[];
  readonly timeline: readonly Item[];
}

const NHS_NUMBER = 'https://fhir.nhs.uk/Id/nhs-number';
const PRACTICE_CODE = /^[A-Za-z][0-9]{5}$/;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];

/** A CodeableConcept's words: its text, else its first coding's display, else its code. */
export function conceptText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const concept = value as Json;
  const coding = list(concept['coding'])[0];
  return str(concept['text']) ?? str(coding?.['display']) ?? str(coding?.['code']);
}

function demographicsOf(stored: StoredResource): Demographics {
  const patient = stored.resource as Json;
  const name = list(patient['name']).find((n) => n['use'] === 'official' || n['use'] === undefined);
  const address = list(patient['address'])[0];
  const phone = list(patient['telecom']).find((t) => t['system'] === 'phone');
  const nhs = list(patient['identifier']).find((i) => i['system'] === NHS_NUMBER);
  const given = strings(name?.['given']);
  const nameText = [...given, str(name?.['family'])].filter((part) => part !== undefined).join(' ');
  const addressText = [...strings(address?.['line']), str(address?.['city']), str(address?.['postalCode'])]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(', ');
  return {
    ...(nameText === '' ? {} : { name: nameText }),
    ...(str(patient['birthDate']) === undefined ? {} : { birthDate: str(patient['birthDate']) }),
    ...(str(patient['gender']) === undefined ? {} : { gender: str(patient['gender']) }),
    ...(str(nhs?.['value']) === undefined ? {} : { nhsNumber: str(nhs?.['value']) }),
    ...(addressText === '' ? {} : { address: addressText }),
    ...(str(phone?.['value']) === undefined ? {} : { phone: str(phone?.['value']) }),
    source: stored.sourceOrganisation,
  };
}

const FIELDS: readonly [keyof Omit<Demographics, 'source'>, string][] = [
  ['name', 'Name'],
  ['birthDate', 'Date of birth'],
  ['gender', 'Gender'],
  ['nhsNumber', 'NHS number'],
  ['address', 'Address'],
  ['phone', 'Phone'],
];

/** The section each resource type goes in, and how an item of it reads. */
const SECTIONS: readonly {
  readonly title: string;
  readonly type: string;
  readonly item: (r: Json) => { text?: string; detail?: string; date?: string };
}[] = [
  {
    title: 'Problems',
    type: 'Condition',
    item: (r) => ({
      text: conceptText(r['code']),
      detail: conceptText(r['clinicalStatus']),
      date: str(r['onsetDateTime']) ?? str(r['recordedDate']),
    }),
  },
  {
    title: 'Medications',
    type: 'MedicationRequest',
    item: (r) => ({
      text: conceptText(r['medicationCodeableConcept']),
      detail: str(r['status']),
      date: str(r['authoredOn']),
    }),
  },
  {
    title: 'Medications',
    type: 'MedicationStatement',
    item: (r) => ({
      text: conceptText(r['medicationCodeableConcept']),
      detail: str(r['status']),
      date: str(r['effectiveDateTime']) ?? str(r['dateAsserted']),
    }),
  },
  {
    title: 'Allergies',
    type: 'AllergyIntolerance',
    item: (r) => ({
      text: conceptText(r['code']),
      detail: conceptText(r['clinicalStatus']),
      date: str(r['recordedDate']),
    }),
  },
  {
    title: 'Immunisations',
    type: 'Immunization',
    item: (r) => ({
      text: conceptText(r['vaccineCode']),
      detail: str(r['status']),
      date: str(r['occurrenceDateTime']),
    }),
  },
  {
    title: 'Care plans',
    type: 'CarePlan',
    item: (r) => ({
      text: str(r['title']) ?? conceptText(list(r['category'])[0]),
      detail: str(r['status']),
      date: str((r['period'] as Json | undefined)?.['start']),
    }),
  },
  {
    title: 'Carers and cared-for',
    type: 'RelatedPerson',
    item: (r) => ({
      text: conceptText(list(r['relationship'])[0]),
      detail: list(r['name'])
        .map((n) => [...strings(n['given']), str(n['family'])].filter((p) => p !== undefined).join(' '))
        .join('; '),
      date: str((r['period'] as Json | undefined)?.['start']),
    }),
  },
  {
    title: 'Results and observations',
    type: 'Observation',
    item: (r) => {
      const quantity = r['valueQuantity'] as Json | undefined;
      const value =
        quantity === undefined
          ? (conceptText(r['valueCodeableConcept']) ?? str(r['valueString']))
          : `${String(quantity['value'])} ${str(quantity['unit']) ?? ''}`.trim();
      return { text: conceptText(r['code']), detail: value, date: str(r['effectiveDateTime']) };
    },
  },
];

const TIMELINE: Readonly<Record<string, (r: Json) => { text?: string; detail?: string; date?: string }>> = {
  Encounter: (r) => ({
    text:
      conceptText(list(r['type'])[0]) ?? str((r['class'] as Json | undefined)?.['display']) ?? 'Encounter',
    detail: str(r['status']),
    date: str((r['period'] as Json | undefined)?.['start']),
  }),
  EpisodeOfCare: (r) => ({
    text: conceptText(list(r['type'])[0]) ?? 'Episode of care',
    detail: str(r['status']),
    date: str((r['period'] as Json | undefined)?.['start']),
  }),
};

const newestFirst = (a: Item, b: Item) => (b.date ?? '').localeCompare(a.date ?? '');

export function summarisePerson(resources: readonly StoredResource[]): PersonSummary {
  const patients = resources.filter((r) => r.resource.resourceType === 'Patient');
  const ranked = [...patients].sort((a, b) => {
    const practice =
      Number(PRACTICE_CODE.test(b.sourceOrganisation)) - Number(PRACTICE_CODE.test(a.sourceOrganisation));
    return practice !== 0 ? practice : b.lastUpdated.localeCompare(a.lastUpdated);
  });
  const all = ranked.map(demographicsOf);
  const conflicts: Conflict[] = [];
  for (const [field, label] of FIELDS) {
    const values = all.flatMap((d) =>
      d[field] === undefined ? [] : [{ value: d[field], source: d.source }],
    );
    if (new Set(values.map((v) => v.value.toLowerCase())).size > 1) conflicts.push({ field: label, values });
  }
  const sections = new Map<string, Item[]>();
  const timeline: Item[] = [];
  for (const stored of resources) {
    const r = stored.resource as Json;
    const toItem = (read: { text?: string; detail?: string; date?: string }): Item => ({
      text: read.text ?? stored.resource.resourceType,
      ...(read.detail === undefined || read.detail === '' ? {} : { detail: read.detail }),
      ...(read.date === undefined ? {} : { date: read.date }),
      source: stored.sourceOrganisation,
    });
    const timelined = TIMELINE[stored.resource.resourceType];
    if (timelined !== undefined) {
      timeline.push(toItem(timelined(r)));
      continue;
    }
    for (const section of SECTIONS.filter((s) => s.type === stored.resource.resourceType)) {
      const items = sections.get(section.title) ?? [];
      items.push(toItem(section.item(r)));
      sections.set(section.title, items);
    }
  }
  const order = [...new Set(SECTIONS.map((s) => s.title))];
  return {
    demographics: all[0],
    conflicts,
    sources: [...new Set(resources.map((r) => r.sourceOrganisation))].sort(),
    sections: order.map((title) => ({ title, items: (sections.get(title) ?? []).sort(newestFirst) })),
    timeline: timeline.sort(newestFirst),
  };
}
