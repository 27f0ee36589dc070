/**
 * @module synthetic/feeds/holdings
 * Which organisation holds which person, and which of their events and yearly activity each records — the rules of
 * the feeds:
 *
 * - A practice holds every patient registered with it at any time in the window. Its record is the whole GP record
 *   while registered: every condition, stage, observation, immunisation and carer code dated up to the end of the
 *   registration — including those recorded before, at earlier practices, since the record follows the patient
 *   (GP2GP) — and its own consultations where the truth dates them. The truth counts consultations by year
 *   (reference/life-course/encounters.yaml, `recorded: yearly`), and those counts are not sent: a practice's
 *   relationship with its patient is the registration, and a yearly count is no record a GP system would export. It
 *   knows of a death if the patient was still registered with it.
 * - Any other organisation holds the persons it had contacts with: those the truth dates (encounter events: A&E,
 *   admissions, ambulance, social care), sent as encounters with the reason where the truth gives one (an assault);
 *   and those it counts by year (activity rows: outpatients, community and mental health services), sent as
 *   episodes of care — one for each run of consecutive calendar years with contacts at the organisation in one
 *   setting, from the first contact of its first year to the last of its last.
 * - Diagnoses outside general practice are recorded once per person, condition and organisation: at the first
 *   admission (emergency or elective) on or after the onset, an acute trust codes every condition the person has by
 *   then, as admitted patient care codes comorbidities; a mental health service codes the mental health conditions
 *   (depression, psychosis, dementia, learning disability) with the first mental health episode that has a year whose
 *   last contact is on or after the onset, dated at the onset or that year's first contact, whichever is later, and
 *   listed among the episode's diagnoses. A&E, outpatients, community services, ambulance and social care record no
 *   diagnoses: their national data sets seldom carry one, and the truth holds none of their own. A cancer's stage
 *   goes with its diagnosis.
 * - An acute trust learns of a death from the Spine; the other services' records are not told (as the brief has it).
 *
 * A setting's contacts are either dated events or yearly counts (encounters.yaml says which), never both, so a mental
 * health service's diagnoses come from whichever the truth holds: its encounters are considered first, then its
 * episodes.
 *
 * Pure: a person's truth and the rules in, the holdings out, in a fixed order (practices by registration, then the
 * other organisations by first contact; within an organisation, contacts by date, each followed by the diagnoses
 * recorded with it).
 */
import { EVENT_KINDS, type EventKind } from '../life-course/events.js';
import { SETTINGS, type Setting } from '../life-course/model.js';
import type { OrganisationKind } from './organisations.js';
import type { ActivityTable, ChunkTables, CodeEntry, EventTable, PersonRecord } from './truth-chunks.js';

/** SNOMED CT codes of the mental health conditions a mental health service diagnoses (reference conditions.yaml). */
export const MENTAL_HEALTH_DIAGNOSES: readonly string[] = [
  '35489007', // Depressive disorder
  '69322001', // Psychotic disorder
  '52448006', // Dementia
  '110359009', // Intellectual disability
];
/** SNOMED CT codes of the conditions the truth gives a stage (malignant neoplastic disease). */
export const STAGED_DIAGNOSES: readonly string[] = ['363346000'];

/**
 * A record's items, three numbers each in one flat array (a chunk holds millions; objects would keep the garbage
 * collector busy). Two shapes:
 *
 * - an event (an encounter, condition, observation, carer code or immunisation): `[event, at, stage]`, where `at` is
 *   what a diagnosis was recorded with — an encounter event (≥ 0), an episode (`episodeLink`: −2 − its first activity
 *   row), or nothing (−1: in general practice, and for everything but diagnoses) — and `stage` the stage event that
 *   goes with a diagnosis (−1 if none);
 * - an episode of care: `[−1 − first activity row, last activity row, −1]`, the rows of one run of years.
 *
 * An item's day (`itemDay`) is the day of the contact it belongs to: an episode's first contact, a diagnosis's
 * encounter or episode, else its event's day. A record's second copy takes the items of one such day, so a diagnosis
 * always stays with the encounter or episode that refers to it.
 */
export const ITEM = 3;

/** Whether the item at `i` is an episode of care. */
export const isEpisode = (items: readonly number[], i: number): boolean => (items[i] as number) < 0;
/** The first activity row of the episode at `i`. */
export const episodeFirst = (items: readonly number[], i: number): number => -1 - (items[i] as number);
/** The `at` of a diagnosis recorded with the episode whose first activity row is `first`, and back. */
export const episodeLink = (first: number): number => -2 - first;
export const linkedEpisode = (at: number): number => -2 - at;

export const itemDay = (items: readonly number[], i: number, tables: ChunkTables): number => {
  const what = items[i] as number;
  if (what < 0) return tables.activity.first[-1 - what] as number;
  const at = items[i + 1] as number;
  if (at >= 0) return tables.events.day[at] as number;
  if (at < -1) return tables.activity.first[-2 - at] as number;
  return tables.events.day[what] as number;
};

export interface Holding {
  /** Index into the organisations. */
  readonly organisation: number;
  /** Triples: see ITEM. */
  readonly items: readonly number[];
  /** The day whose details the record holds: the end of the registration, or the last contact. */
  readonly asOf: number;
  /** The registration is open and the patient alive at the end of the window (always true outside general practice). */
  readonly active: boolean;
  readonly deceased: boolean;
}

export interface HoldingRules {
  /** The kind of each organisation, by index. */
  readonly kinds: readonly OrganisationKind[];
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Code indexes of the mental health diagnoses and of the staged ones. */
  readonly mentalHealth: ReadonlySet<number>;
  readonly staged: ReadonlySet<number>;
}

export function compileRules(
  codes: readonly CodeEntry[],
  kinds: readonly OrganisationKind[],
  windowStart: number,
  windowEnd: number,
): HoldingRules {
  const indexes = (wanted: readonly string[]) =>
    new Set(codes.flatMap((c, i) => (c.system === 'snomed' && wanted.includes(c.code) ? [i] : [])));
  return {
    kinds,
    windowStart,
    windowEnd,
    mentalHealth: indexes(MENTAL_HEALTH_DIAGNOSES),
    staged: indexes(STAGED_DIAGNOSES),
  };
}

const KIND = Object.fromEntries(EVENT_KINDS.map((kind, i) => [kind, i])) as Record<EventKind, number>;
const SETTING = Object.fromEntries(SETTINGS.map((setting, i) => [setting, i])) as Record<Setting, number>;
const ADMISSIONS = new Set([SETTING['emergency-admission'], SETTING['elective-admission']]);

interface Diagnosis {
  readonly event: number;
  readonly day: number;
  readonly code: number;
  stage: number;
}

/** The person's diagnoses in date order, each with the stage recorded the same day, if any. */
function diagnosesOf(person: PersonRecord, events: EventTable, rules: HoldingRules): Diagnosis[] {
  const diagnoses: Diagnosis[] = [];
  for (let e = person.firstEvent; e < person.endEvent; e++) {
    if (events.kind[e] === KIND.condition) {
      diagnoses.push({ event: e, day: events.day[e] as number, code: events.code[e] as number, stage: -1 });
    }
  }
  for (let e = person.firstEvent; e < person.endEvent; e++) {
    if (events.kind[e] !== KIND.stage) continue;
    const sameDay = diagnoses.filter((d) => d.day === events.day[e] && d.stage === -1);
    const target = sameDay.find((d) => rules.staged.has(d.code)) ?? sameDay[0];
    if (target !== undefined) target.stage = e;
  }
  return diagnoses;
}

function practiceHoldings(
  person: PersonRecord,
  events: EventTable,
  rules: HoldingRules,
  diagnoses: readonly Diagnosis[],
): Holding[] {
  const death = person.deathDay ?? Infinity;
  const practices: number[] = [];
  for (const r of person.registrations) {
    if (r.fromDay > rules.windowEnd || r.toDay < rules.windowStart || r.fromDay > death) continue;
    if (rules.kinds[r.practice] !== 'gp' || practices.includes(r.practice)) continue;
    practices.push(r.practice);
  }
  const stageOf = new Map(diagnoses.map((d) => [d.event, d.stage]));
  return practices.map((practice) => {
    const last = person.registrations.findLast((r) => r.practice === practice);
    const open = last !== undefined && last.toDay === Infinity;
    const end = Math.min(rules.windowEnd, death, last?.toDay ?? Infinity);
    const items: number[] = [];
    for (let e = person.firstEvent; e < person.endEvent; e++) {
      const kind = events.kind[e];
      const day = events.day[e] as number;
      if (kind === KIND.encounter) {
        if (events.setting[e] === SETTING.gp && events.organisation[e] === practice) items.push(e, -1, -1);
        continue;
      }
      if (day > end) continue;
      if (kind === KIND.condition) items.push(e, -1, stageOf.get(e) ?? -1);
      else if (kind === KIND.observation || kind === KIND.carer || kind === KIND.immunisation)
        items.push(e, -1, -1);
      // Stages go with their diagnosis; deaths make the record deceased.
    }
    return {
      organisation: practice,
      items,
      asOf: end,
      active: open && death > rules.windowEnd,
      deceased: open && death <= rules.windowEnd,
    };
  });
}

/**
 * What an organisation holds of a person while it is gathered: its items, contact by contact (an encounter or an
 * episode, each followed by the diagnoses recorded with it), with where each contact's items start, its day, and a
 * rank ordering contacts of the same day (encounters by event, then episodes by first row).
 */
interface Provided {
  readonly items: number[];
  readonly starts: number[];
  readonly days: number[];
  readonly ranks: number[];
  readonly recorded: Set<number>;
  first: number;
  last: number;
}

/** Above any event index of a chunk: episodes rank after encounters of the same day. */
const EPISODE_RANK = 2 ** 30;

/** The items of `h` in the order of their contacts' days (encounters came in date order, episodes after them). */
function inContactOrder(h: Provided): number[] {
  const { items, starts, days, ranks } = h;
  const n = starts.length;
  let sorted = true;
  for (let c = 1; c < n && sorted; c++) {
    const order =
      (days[c] as number) - (days[c - 1] as number) || (ranks[c] as number) - (ranks[c - 1] as number);
    sorted = order >= 0;
  }
  if (sorted) return items;
  const order = Array.from({ length: n }, (_, c) => c).sort(
    (x, y) => (days[x] as number) - (days[y] as number) || (ranks[x] as number) - (ranks[y] as number),
  );
  const out: number[] = [];
  for (const c of order) {
    const end = c + 1 < n ? (starts[c + 1] as number) : items.length;
    for (let k = starts[c] as number; k < end; k++) out.push(items[k] as number);
  }
  return out;
}

function providerHoldings(
  person: PersonRecord,
  tables: ChunkTables,
  rules: HoldingRules,
  diagnoses: readonly Diagnosis[],
): Holding[] {
  const { events, activity } = tables;
  const byOrganisation = new Map<number, Provided>();
  /** The organisation's holding, with a contact of `day` begun. */
  const contact = (organisation: number, day: number, rank: number): Provided => {
    let holding = byOrganisation.get(organisation);
    if (holding === undefined) {
      holding = { items: [], starts: [], days: [], ranks: [], recorded: new Set(), first: day, last: day };
      byOrganisation.set(organisation, holding);
    }
    holding.starts.push(holding.items.length);
    holding.days.push(day);
    holding.ranks.push(rank);
    holding.first = Math.min(holding.first, day);
    return holding;
  };

  // Encounters, in date order, each with the diagnoses first recorded at it.
  for (let e = person.firstEvent; e < person.endEvent; e++) {
    const organisation = events.organisation[e] as number;
    const setting = events.setting[e] as number;
    if (events.kind[e] !== KIND.encounter || setting === SETTING.gp || organisation < 0) continue;
    if (rules.kinds[organisation] === 'gp') continue;
    const day = events.day[e] as number;
    const holding = contact(organisation, day, e);
    holding.items.push(e, -1, -1);
    holding.last = Math.max(holding.last, day);
    const admitted = ADMISSIONS.has(setting);
    const mentalHealth = setting === SETTING['mental-health'];
    if (!admitted && !mentalHealth) continue;
    for (const d of diagnoses) {
      if (d.day > day || holding.recorded.has(d.code)) continue;
      if (mentalHealth && !rules.mentalHealth.has(d.code)) continue;
      holding.recorded.add(d.code);
      holding.items.push(d.event, e, d.stage);
    }
  }

  // Episodes: runs of consecutive years at one organisation in one setting (rows are by organisation, setting and
  // year), each with the mental health diagnoses first recorded in it.
  for (let r = person.firstActivity; r < person.endActivity;) {
    const organisation = activity.organisation[r] as number;
    const setting = activity.setting[r] as number;
    let end = r;
    while (
      end + 1 < person.endActivity &&
      activity.organisation[end + 1] === organisation &&
      activity.setting[end + 1] === setting &&
      activity.year[end + 1] === (activity.year[end] as number) + 1
    )
      end++;
    const first = r;
    r = end + 1;
    if (setting === SETTING.gp || organisation < 0 || rules.kinds[organisation] === 'gp') continue;
    const holding = contact(organisation, activity.first[first] as number, EPISODE_RANK + first);
    holding.items.push(-1 - first, end, -1);
    holding.last = Math.max(holding.last, activity.last[end] as number);
    if (setting !== SETTING['mental-health']) continue;
    for (const d of diagnoses) {
      if (holding.recorded.has(d.code) || !rules.mentalHealth.has(d.code)) continue;
      if (!recordedIn(activity, first, end, d.day)) continue;
      holding.recorded.add(d.code);
      holding.items.push(d.event, episodeLink(first), d.stage);
    }
  }

  const dead = person.deathDay !== undefined && person.deathDay <= rules.windowEnd;
  // By first contact; an organisation's items by their contacts' days.
  return [...byOrganisation]
    .sort(([a, x], [b, y]) => x.first - y.first || a - b)
    .map(([organisation, h]) => ({
      organisation,
      items: inContactOrder(h),
      asOf: h.last,
      active: true,
      deceased: dead && rules.kinds[organisation] === 'acute',
    }));
}

/** Whether a diagnosis with onset `day` is recorded in the episode of rows first … last: a year ends on or after it. */
const recordedIn = (activity: ActivityTable, first: number, last: number, day: number): boolean =>
  (activity.last[last] as number) >= day;

/**
 * The activity row, of the episode whose first row is `first`, in which a diagnosis with onset `day` was recorded:
 * the first whose last contact is on or after the onset (holdings link a diagnosis only to an episode that has one).
 */
export function recordingRow(activity: ActivityTable, first: number, day: number): number {
  let r = first;
  while (r + 1 < activity.length && (activity.last[r] as number) < day) r++;
  return r;
}

export function holdingsOf(person: PersonRecord, tables: ChunkTables, rules: HoldingRules): Holding[] {
  const diagnoses = diagnosesOf(person, tables.events, rules);
  return [
    ...practiceHoldings(person, tables.events, rules, diagnoses),
    ...providerHoldings(person, tables, rules, diagnoses),
  ];
}
