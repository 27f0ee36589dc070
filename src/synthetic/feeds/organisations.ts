/**
 * @module synthetic/feeds/organisations
 * The kinds of partner organisation that send a feed, and how an organisation of the ground truth
 * (`organisations.parquet`: its key, name, type, ODS and ONS codes) is classed as one. The kind decides what the
 * organisation's system holds (holdings.ts), how it numbers its records (local-ids.ts) and how often its records
 * carry each fault (faults.ts): a GP system gets its NHS numbers from the Spine, an ambulance crew often cannot.
 */

export const ORGANISATION_KINDS = [
  'gp',
  'acute',
  'mental-health',
  'community',
  'ambulance',
  'social-care',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** An organisation of the ground truth, with its kind. */
export interface FeedOrganisation {
  /** The key events use: a practice's ODS code, or the partnership's organisation id (also the feed's folder name). */
  readonly key: string;
  readonly name: string;
  /** The partnership's type (`gp-practice`, `acute-trust`, `metropolitan-district-council`, …). */
  readonly type: string;
  readonly kind: OrganisationKind;
  readonly odsCode: string | undefined;
  readonly onsCode: string | undefined;
}

/**
 * The kind of an organisation from its partnership type. Types the partnership schema may add later fall back on
 * `community` (a provider seen in people's homes and clinics, recording no diagnoses): the least specific kind.
 */
export function kindOfType(type: string): OrganisationKind {
  if (type === 'gp-practice') return 'gp';
  if (type.includes('council')) return 'social-care';
  if (type.startsWith('acute')) return 'acute';
  if (type.startsWith('mental-health')) return 'mental-health';
  if (type.startsWith('ambulance')) return 'ambulance';
  return 'community';
}
