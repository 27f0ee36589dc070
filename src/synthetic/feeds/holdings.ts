/**
 * @module synthetic/feeds/holdings
 * Which organisation holds which person, and which of their events each records — the rules of the feeds:
 *
 * - A practice holds every patient registered with it at any time in the window. Its record is the whole GP record
 *   while registered: every condition, stage, observation, immunisation and carer code dated up to the end of the
 *   registration — including those recorded before, at earlier practices, since the record follows the patient
 *   (GP2GP) — and its own consultations. It knows of a death if the patient was still registered with it.
 * - Any other organisation holds the persons it had an encounter with, and records those encounters (with the
 *   reason, where the truth gives one: an assault).
 * - Diagnoses outside general practice are recorded at encounters, once per person, condition and organisation: at
 *   the first admission (emergency or elective) on or after the onset, an acute trust codes every condition the
 *   person has by then, as admitted patient care codes comorbidities; at the first mental health contact on or after
 *   the onset, a mental health service codes the mental health conditions (depression, psychosis, dementia, learning
 *   disability). A&E, outpatients, community services, ambulance and social care record no diagnoses: their national
 *   data sets seldom carry one, and the truth holds none of their own. A cancer's stage goes with its diagnosis.
 * - An acute trust learns of a death from the Spine; the other services' records are not told (as the brief has it).
 *
 * Pure: a person's truth and the rules in, the holdings out, in a fixed order (practices by registration, then the
 * other organisations by first contact).
 */
import { EVENT_KINDS, type EventKind } from '../life-course/events.js';
import { SETTINGS, type Setting } from '../life-course/model.js';
import type { OrganisationKind } from './organisations.js';
import type { CodeEntry, EventTable, PersonRecord } from './truth-chunks.js';

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
 * collector busy): the event (an encounter, condition, observation, carer code or immunisation), the encounter event
 * a diagnosis was recorded at (−1 in general practice and for everything else), and the stage event that goes with a
 * diagnosis (−1 if none). An item's day is its encounter's, if it has one, else its event's.
 */
export const ITEM = 3;

export const itemDay = (items: readonly number[], i: number, events: EventTable): number => {
  const encounter = items[i + 1] as number;
  return events.day[encounter >= 0 ? encounter : (items[i] as number)] as number;
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

function providerHoldings(
  person: PersonRecord,
  events: EventTable,
  rules: HoldingRules,
  diagnoses: readonly Diagnosis[],
): Holding[] {
  const byOrganisation = new Map<number, { items: number[]; recorded: Set<number>; last: number }>();
  for (let e = person.firstEvent; e < person.endEvent; e++) {
    const organisation = events.organisation[e] as number;
    const setting = events.setting[e] as number;
    if (events.kind[e] !== KIND.encounter || setting === SETTING.gp || organisation < 0) continue;
    if (rules.kinds[organisation] === 'gp') continue;
    const day = events.day[e] as number;
    let holding = byOrganisation.get(organisation);
    if (holding === undefined) {
      holding = { items: [], recorded: new Set(), last: day };
      byOrganisation.set(organisation, holding);
    }
    holding.items.push(e, -1, -1);
    holding.last = day;
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
  const dead = person.deathDay !== undefined && person.deathDay <= rules.windowEnd;
  return [...byOrganisation].map(([organisation, h]) => ({
    organisation,
    items: h.items,
    asOf: h.last,
    active: true,
    deceased: dead && rules.kinds[organisation] === 'acute',
  }));
}

export function holdingsOf(person: PersonRecord, events: EventTable, rules: HoldingRules): Holding[] {
  const diagnoses = diagnosesOf(person, events, rules);
  return [
    ...practiceHoldings(person, events, rules, diagnoses),
    ...providerHoldings(person, events, rules, diagnoses),
  ];
}
