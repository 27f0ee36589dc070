/**
 * @module synthetic/life-course/simulate
 * One synthetic life, 2015–2025 (the window is a setting): who the person is, where they live and move, the practice
 * they are registered with, the conditions they are diagnosed with and when, their smoking status and BMI as
 * recorded, their immunisations, every contact with a partner organisation, whether they care for someone, and
 * whether and of what they die.
 *
 * The population is anchored on the calibration date (mid-2020): each "slot" draws one resident alive on that date
 * from the calibrated demography, plus — so that deaths and births across the whole window come out at the right
 * rates — the people like them who died before that date (a resident of age a stands for 1/S of the people alive
 * at the window's start, S their chance of surviving to the calibration date) and, for each resident born in the
 * window before that date, one born as long after it. Each slot draws from its own random stream, so any chunk of
 * slots can be generated, or regenerated, alone, with the same result.
 */
import type { Random } from '../random.js';
import type { SyntheticAddress } from '../registration.js';
import type { ResidentDemography, Sex } from '../demography.js';
import {
  ageSex,
  decileAgeSex,
  MAX_AGE,
  scaleQ,
  type CompiledCondition,
  type LifeCourseModel,
} from './compile.js';
import { ageInYears, dayAtAge, dayOfDate, DAYS_PER_YEAR, yearOf } from './days.js';
import { ActivityColumns, CodeBook, EVENT_KIND, EventColumns, OrganisationBook } from './events.js';
import { NO_DAY, PeopleColumns } from './people-columns.js';
import { CAUSES_OF_DEATH, SETTINGS, type CauseOfDeath, type Setting } from './model.js';

/** The samplers of the other parts of a person, supplied by the caller (people.ts, registration.ts, providers.ts). */
export interface PersonSamplers {
  drawEthnicity(lad19: string, random: Random): string;
  drawName(
    ethnicity: string,
    sex: Sex,
    birthYear: number,
    random: Random,
  ): { readonly given: string; readonly middle?: string | undefined; readonly family: string };
  drawPostcodeDistrict(lad19: string, random: Random): string;
  drawPractice(place: string, postcodeDistrict: string, random: Random): string;
  syntheticAddress(postcodeDistrict: string, random: Random): SyntheticAddress;
  /** A home for someone moving: an LSOA in the district (or, when `lad19` is undefined, anywhere), by population. */
  drawHome(lad19: string | undefined, random: Random): ResidentDemography;
  /** The organisation id that sees a resident of `lad19` in `setting` on `day`. */
  drawProvider(lad19: string, setting: Setting, day: number, random: Random): string;
}

export interface Window {
  readonly start: number;
  readonly end: number;
  /** The calibration date: the residents drawn are those alive on it. */
  readonly reference: number;
}

export type Origin = 'resident' | 'died-before-reference' | 'born-after-reference';

export interface Address {
  readonly fromDay: number;
  readonly lsoa11: string;
  readonly lad19: string;
  readonly place: string;
  readonly imdDecile: number;
  readonly postcodeDistrict: string;
  /** The rest of the address in parts (see registration.ts: `addressLine`, `fullPostcode`). */
  readonly houseNumber: number;
  readonly street: string;
  readonly town: string;
  readonly inward: string;
}

export interface Registration {
  readonly fromDay: number;
  readonly practice: string;
  /** The practice's index in the organisation book (events carry indexes). */
  readonly organisation: number;
}

export interface Person {
  /** Unique within a generation; stable for a slot: slot · 4 + (0 resident, 1–2 died before, 3 born after). */
  readonly key: number;
  readonly origin: Origin;
  readonly sex: Sex;
  readonly birthDay: number;
  readonly ethnicity: string;
  readonly given: string;
  readonly middle: string | undefined;
  readonly family: string;
  deathDay: number | undefined;
  cause: CauseOfDeath | undefined;
  readonly addresses: Address[];
  readonly registrations: Registration[];
  /** Onset day by condition index (undefined: never diagnosed). */
  readonly onsets: (number | undefined)[];
  /** Needs care from someone else (for the carers' pairing): old age or a disabling condition. */
  needsCare: boolean;
}

/** Poisson-distributed count with mean `mean` (inversion; a normal approximation above 50). */
export function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  if (mean > 50) {
    const u1 = random.next() || Number.MIN_VALUE;
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.next());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  // Inversion: one uniform against the running distribution function (rather than multiplying one uniform per
  // count, which drew six or more for a year of GP contacts, hundreds of millions of draws at scale 1).
  const u = random.next();
  let term = Math.exp(-mean);
  let cumulative = term;
  let count = 0;
  while (u > cumulative && term > 0) {
    count++;
    term *= mean / count;
    cumulative += term;
  }
  return count;
}

/** The highest chance of a diagnosis the model gives anyone: none is certain. */
const HIGHEST_CHANCE = 0.97;

const CARE_NEEDING = new Set([
  'dementia',
  'learning-disability',
  'stroke-tia',
  'severe-mental-illness',
  'copd',
  'heart-failure',
]);

export class LifeSimulator {
  readonly codes = new CodeBook();
  readonly organisations = new OrganisationBook();
  readonly events = new EventColumns();
  readonly activity = new ActivityColumns();
  /** The people simulated since `people.clear()`, with their homes and registrations. */
  readonly people = new PeopleColumns();
  readonly #conditionCodes: number[];
  readonly #stageCodes: number[][];
  readonly #encounterCodes: number[];
  readonly #causeCodes: number[];
  readonly #smoking: { current: number; ex: number; never: number };
  readonly #bmiCode: number;
  readonly #immunisationCodes: number[];
  readonly #violenceCode: number;
  readonly #deathCode: number;
  readonly #carerCodes: { isCarer: number; hasCarer: number };
  readonly #kinds = EVENT_KIND;
  /** The conditions that raise the risk of death (hazard ratio above 1), the only ones the yearly death draw needs. */
  readonly #lethal: readonly CompiledCondition[];
  /** Yearly death probability before conditions, by [decileAgeSex]. */
  readonly #baseQs: Float64Array;
  readonly #gp = SETTINGS.indexOf('gp');
  readonly #emergencyAdmission = SETTINGS.indexOf('emergency-admission');
  readonly #socialCare = SETTINGS.indexOf('social-care');
  // Scratch space for one person's encounters, by calendar-year segment of the window (see #encounters).
  readonly #segmentYear: Int32Array;
  readonly #segmentFrom: Int32Array;
  readonly #segmentTo: Int32Array;
  readonly #segmentAgeSex: Int32Array;
  readonly #segmentWeight: Float64Array;
  readonly #segmentCare: Float64Array;
  /** The second normal draw of the last pair, and the stream it came from (undefined: none kept). */
  #spare = 0;
  #spareOf: Random | undefined;
  /** The provider drawn for each of the person's homes and each setting (−1: not yet), by home · settings + setting. */
  #providerCache = new Int32Array(16 * SETTINGS.length);

  constructor(
    readonly model: LifeCourseModel,
    readonly samplers: PersonSamplers,
    readonly window: Window,
    organisations: readonly string[],
  ) {
    for (const key of organisations) this.organisations.add(key);
    this.#lethal = model.conditions.filter((c) => c.hazardRatio > 1);
    // England's life table bent to each decile's life expectancy, by decile, age and sex: worked out once here, as
    // each person's yearly death draw asks for it.
    this.#baseQs = new Float64Array(decileAgeSex(11, 0));
    for (let decile = 1; decile <= 10; decile++) {
      for (let age = 0; age <= MAX_AGE; age++) {
        for (const female of [false, true]) {
          const q = model.qx[ageSex(age, female)] ?? 1;
          this.#baseQs[decileAgeSex(decile, ageSex(age, female))] = scaleQ(
            q,
            model.decileMortality[decile * 2 + (female ? 1 : 0)] ?? 1,
          );
        }
      }
    }
    const years = yearOf(window.end) - yearOf(window.start) + 1;
    this.#segmentYear = new Int32Array(years);
    this.#segmentFrom = new Int32Array(years);
    this.#segmentTo = new Int32Array(years);
    this.#segmentAgeSex = new Int32Array(years);
    this.#segmentWeight = new Float64Array(years);
    this.#segmentCare = new Float64Array(years * SETTINGS.length);
    this.#conditionCodes = model.conditions.map((c) => this.codes.add(c.snomed));
    this.#stageCodes = model.conditions.map((c) => c.stages?.codes.map((code) => this.codes.add(code)) ?? []);
    this.#encounterCodes = model.encounterCodes.map((code) => this.codes.add(code));
    this.#causeCodes = CAUSES_OF_DEATH.map((cause) => {
      const coding = model.causeCodes.get(cause);
      return coding === undefined ? -1 : this.codes.add(coding, 'icd10');
    });
    this.#smoking = {
      current: this.codes.add(model.smoking.codes.current),
      ex: this.codes.add(model.smoking.codes.ex),
      never: this.codes.add(model.smoking.codes.never),
    };
    this.#bmiCode = this.codes.add(model.bmi.code);
    this.#immunisationCodes = model.immunisations.map((i) => this.codes.add(i.snomed));
    this.#violenceCode = this.codes.add(model.violence.snomed);
    this.#deathCode = this.codes.add({ code: '419620001', display: 'Death' });
    this.#carerCodes = {
      isCarer: this.codes.add(model.carers.codes.isCarer),
      hasCarer: this.codes.add(model.carers.codes.hasCarer),
    };
  }

  /** Yearly death probability for a person at an age, before their conditions (from the table the constructor made). */
  #baseQ(age: number, female: boolean, decile: number): number {
    return this.#baseQs[decileAgeSex(decile, ageSex(age, female))] ?? 1;
  }

  /** Chance of having been diagnosed with `condition` by `age`, for this person, given their other conditions. */
  #everProbability(
    condition: CompiledCondition,
    age: number,
    female: boolean,
    place: number,
    decile: number,
    onsets: readonly (number | undefined)[],
  ): number {
    if (age < condition.minimumAge) return 0;
    let p =
      (condition.cumulative[ageSex(age, female)] ?? 0) *
      (condition.placeScale[place] ?? 0) *
      (condition.decileFactor[decile] ?? 1);
    const index = decileAgeSex(decile, ageSex(age, female));
    for (const factor of condition.riskFactors) {
      const has = onsets[factor.condition] !== undefined;
      p *= (has ? factor.relativeRisk : 1) / (factor.normaliser[index] ?? 1);
    }
    return Math.min(p, HIGHEST_CHANCE);
  }

  /**
   * An onset age (fractional years) up to `age`, drawn from the shape of the ever-diagnosed curve by inverting it.
   * The curve's entry for age k is its value at k + ½ (the middle of the year of age, as compile.ts builds it), so
   * the crossing lies between k − ½ and k + ½ and is placed by linear interpolation; taking k + U instead would make
   * every diagnosis half a year late and prevalence on any date run low by half a year's incidence.
   */
  #onsetAge(condition: CompiledCondition, age: number, female: boolean, random: Random): number {
    const curve = (a: number) => condition.cumulative[ageSex(a, female)] ?? 0;
    const target = random.next() * curve(age);
    let k = condition.minimumAge;
    while (k < age && curve(k) < target) k++;
    const below = k > condition.minimumAge ? curve(k - 1) : 0;
    const above = curve(k);
    const fraction = above > below ? (target - below) / (above - below) : random.next();
    return Math.max(condition.minimumAge, Math.min(k - 0.5 + fraction, age + 0.999));
  }

  /** Simulates one slot (see the module's comment), adding its people to `people` and their events. */
  simulateSlot(slot: number, random: Random, home: ResidentDemography): void {
    const { window } = this;
    const female = home.sex === 'female';
    // The calibration's last age is 90 and over: spread those residents over 90…105 by the life table's survivors.
    let age = home.age;
    if (age >= 90) {
      while (age < MAX_AGE && random.next() < 1 - this.#baseQ(age, female, home.imdDecile)) age++;
    }
    const birthDay = this.#birthDay(age, window.reference, random);
    this.#live(slot * 4, 'resident', home, birthDay, undefined, random);

    // The people like this resident who died between the window's start and the reference date.
    const segments: { from: number; to: number; q: number }[] = [];
    let survive = 1;
    for (let from = window.start; from < window.reference;) {
      const to = Math.min(window.reference, from + 365);
      const q = from < birthDay ? 0 : this.#baseQ(ageInYears(birthDay, from), female, home.imdDecile);
      const qPart = 1 - Math.pow(1 - q, (to - from) / 365.25);
      segments.push({ from, to, q: survive * qPart });
      survive *= 1 - qPart;
      from = to;
    }
    const expected = survive > 0 ? (1 - survive) / survive : 0;
    const died = Math.min(2, Math.floor(expected) + (random.next() < expected % 1 ? 1 : 0));
    for (let k = 0; k < died; k++) {
      const total = segments.reduce((sum, s) => sum + s.q, 0);
      let pick = random.next() * total;
      const segment = segments.find((s) => (pick -= s.q) < 0) ?? segments.at(-1);
      if (segment === undefined) break;
      const deathDay = segment.from + Math.floor(random.next() * (segment.to - segment.from));
      if (deathDay <= birthDay) continue;
      this.#live(slot * 4 + 1 + k, 'died-before-reference', home, birthDay, deathDay, random);
    }

    // Births after the reference date mirror those between the window's start and it.
    if (birthDay >= window.start) {
      const laterBirth = birthDay + (window.reference - window.start);
      if (laterBirth <= window.end) {
        const baby: ResidentDemography = { ...home, sex: random.next() < 0.512 ? 'male' : 'female', age: 0 };
        this.#live(slot * 4 + 3, 'born-after-reference', baby, laterBirth, undefined, random);
      }
    }
  }

  /** A date of birth for someone aged `age` on `reference`, evenly over the year of birthdays that allows. */
  #birthDay(age: number, reference: number, random: Random): number {
    const refDate = new Date(reference * 86_400_000);
    const latest = dayOfDate(refDate.getUTCFullYear() - age, refDate.getUTCMonth() + 1, refDate.getUTCDate());
    const earliest =
      dayOfDate(refDate.getUTCFullYear() - age - 1, refDate.getUTCMonth() + 1, refDate.getUTCDate()) + 1;
    return earliest + Math.floor(random.next() * (latest - earliest + 1));
  }

  #live(
    key: number,
    origin: Origin,
    anchor: ResidentDemography,
    birthDay: number,
    knownDeath: number | undefined,
    random: Random,
  ): void {
    const { window, model, samplers } = this;
    const female = anchor.sex === 'female';
    const place = model.placeIndex.get(anchor.place) ?? 0;
    const decile = anchor.imdDecile;
    const ethnicity = samplers.drawEthnicity(anchor.lad19, random);
    const name = samplers.drawName(ethnicity, anchor.sex, yearOf(birthDay), random);
    const person: Person = {
      key,
      origin,
      sex: anchor.sex,
      birthDay,
      ethnicity,
      given: name.given,
      middle: name.middle,
      family: name.family,
      deathDay: knownDeath,
      cause: undefined,
      addresses: [],
      registrations: [],
      onsets: new Array<number | undefined>(model.conditions.length).fill(undefined),
      needsCare: false,
    };
    const lastDay = () => Math.min(window.end, person.deathDay ?? window.end);

    // Conditions, each after its risk factors. The dead are more likely to have had conditions that raise the
    // risk of death (Bayes: p·HR / (p·HR + 1 − p)).
    const endAge = ageInYears(birthDay, lastDay());
    for (const condition of model.conditions) {
      let p = this.#everProbability(condition, endAge, female, place, decile, person.onsets);
      if (knownDeath !== undefined && condition.hazardRatio !== 1) {
        p = (p * condition.hazardRatio) / (p * condition.hazardRatio + 1 - p);
      }
      if (p > 0 && random.next() < p) {
        person.onsets[condition.index] = dayAtAge(
          birthDay,
          this.#onsetAge(condition, endAge, female, random),
        );
      }
    }

    // Death after the reference date (or birth), year by year, with the hazard of the most lethal condition held by
    // then (see compile.ts for why the largest rather than the product).
    if (knownDeath === undefined) {
      let from = Math.max(birthDay, window.reference);
      while (from < window.end && person.deathDay === undefined) {
        const to = Math.min(window.end, from + 365);
        const age = ageInYears(birthDay, from);
        let ratio = 1;
        for (const condition of this.#lethal) {
          const onset = person.onsets[condition.index];
          if (onset !== undefined && onset <= from) ratio = Math.max(ratio, condition.hazardRatio);
        }
        ratio /= model.conditionHazardNormaliser[decileAgeSex(decile, ageSex(age, female))] ?? 1;
        // Conditions scale the decile's death probability linearly, so that its average over people with and
        // without them stays the decile's (a concave transform would lower it where conditions vary most: old age).
        const base = this.#baseQ(age, female, decile);
        const q = Math.min(0.99, base * ratio);
        const years = (to - from) / 365.25;
        if (random.next() < 1 - Math.pow(1 - q, years)) {
          // A day after `from`: residents are alive on the reference date, babies on the day they are born.
          person.deathDay = from + 1 + Math.floor(random.next() * (to - from));
        }
        // Replenishing diagnoses: prevalence by age is that of the living, and people with a lethal condition die
        // sooner, so to keep it the condition must start in others at its prevalence times its excess death rate
        // (i = p′/(1 − p) + p·Δμ; the first term is the onset curve's own slope). Without this, survivors grow
        // healthier year by year and the population's death rate drifts below the life table.
        const normaliser = model.conditionHazardNormaliser[decileAgeSex(decile, ageSex(age, female))] ?? 1;
        for (const condition of this.#lethal) {
          if (person.onsets[condition.index] !== undefined) continue;
          const excess = (base * (condition.hazardRatio - 1)) / normaliser;
          // p is at most HIGHEST_CHANCE, so a draw above HIGHEST_CHANCE·excess·years fails whatever p is: p is worked
          // out only when needed, which for most people in most years it is not (the same draws, the same outcome).
          const u = random.next();
          if (u >= HIGHEST_CHANCE * excess * years) continue;
          const p = this.#everProbability(condition, age, female, place, decile, person.onsets);
          if (u < p * excess * years) {
            person.onsets[condition.index] = from + Math.floor(random.next() * (to - from));
          }
        }
        from = to;
      }
    }
    // Diagnoses after death are not made.
    if (person.deathDay !== undefined) {
      for (let c = 0; c < person.onsets.length; c++) {
        if ((person.onsets[c] ?? -Infinity) > person.deathDay) person.onsets[c] = undefined;
      }
      person.cause = this.#causeOfDeath(person, decile, random);
    }
    const end = lastDay();

    // Homes and practices.
    this.#homes(person, anchor, random);

    // Events.
    const ev = this.events;
    const orgAt = (day: number) => this.#practiceOn(person, day);
    for (const condition of model.conditions) {
      const onset = person.onsets[condition.index];
      if (onset === undefined) continue;
      const practice = orgAt(Math.max(onset, window.start));
      ev.push(
        key,
        onset,
        this.#kinds.condition,
        this.#conditionCodes[condition.index] ?? -1,
        Number.NaN,
        -1,
        practice,
      );
      if (condition.stages !== undefined) {
        const stage = Math.floor(this.#stageDraw(condition, random));
        ev.push(
          key,
          onset,
          this.#kinds.stage,
          this.#stageCodes[condition.index]?.[stage] ?? -1,
          stage + 1,
          -1,
          practice,
        );
      }
      if (CARE_NEEDING.has(condition.id) && onset <= window.reference) person.needsCare = true;
    }
    if (ageInYears(birthDay, Math.min(end, window.reference)) >= 75) person.needsCare = true;

    this.#smokingAndBmi(person, decile, end, random);
    this.#immunisations(person, decile, end, random);
    this.#encounters(person, decile, end, random);
    if (person.deathDay !== undefined) {
      const causeIndex = CAUSES_OF_DEATH.indexOf(person.cause ?? 'other');
      ev.push(
        key,
        person.deathDay,
        this.#kinds.death,
        this.#deathCode,
        Number.NaN,
        -1,
        -1,
        this.#causeCodes[causeIndex] ?? -1,
      );
    }
    this.people.add(person);
  }

  /**
   * A standard normal draw by Box–Muller, which makes two from two uniforms: the second is kept for the next call on
   * the same stream (a slot's stream is never shared with another slot, so any chunk still comes out the same alone).
   */
  #normal(random: Random): number {
    if (this.#spareOf === random) {
      this.#spareOf = undefined;
      return this.#spare;
    }
    const radius = Math.sqrt(-2 * Math.log(random.next() || Number.MIN_VALUE));
    const angle = 2 * Math.PI * random.next();
    this.#spare = radius * Math.sin(angle);
    this.#spareOf = random;
    return radius * Math.cos(angle);
  }

  #stageDraw(condition: CompiledCondition, random: Random): number {
    const stages = condition.stages;
    if (stages === undefined) return 0;
    const column = random.int(stages.table.size);
    return random.next() < (stages.table.keep[column] ?? 1) ? column : (stages.table.alias[column] ?? column);
  }

  /**
   * The certified cause: drawn from England's shares of deaths by cause at the person's age and sex, so the mix of
   * causes stays right overall; then a death the shares call "other" goes to the cause of a condition the person had,
   * with that condition's share of deaths — so people with COPD die of respiratory disease more often than others.
   */
  #causeOfDeath(person: Person, decile: number, random: Random): CauseOfDeath {
    const death = person.deathDay ?? 0;
    const female = person.sex === 'female';
    const index = ageSex(ageInYears(person.birthDay, death), female);
    const table = this.model.causeTables[index];
    let cause: CauseOfDeath = 'other';
    if (table !== undefined) {
      const column = random.int(table.size);
      cause =
        CAUSES_OF_DEATH[
          random.next() < (table.keep[column] ?? 1) ? column : (table.alias[column] ?? column)
        ] ?? 'other';
    }
    if (cause === 'other') {
      for (const condition of this.model.conditions) {
        const onset = person.onsets[condition.index];
        // Suicide keeps its own deprivation gradient below, so conditions do not add to it here.
        if (
          onset === undefined ||
          condition.causeOfDeath === undefined ||
          condition.causeOfDeath === 'suicide'
        )
          continue;
        if (random.next() < condition.shareOfDeaths) {
          cause = condition.causeOfDeath;
          break;
        }
      }
    }
    if (cause === 'suicide') {
      // The deprivation gradient of suicide: kept in proportion to the decile's factor (at most the highest).
      const factor = this.model.suicideDecileFactor[decile] ?? 1;
      const highest = Math.max(...this.model.suicideDecileFactor);
      if (random.next() >= factor / highest) cause = 'other-external';
    }
    // Certified dementia or cancer deaths come with a diagnosis, if none was recorded: made late, before death.
    const late = (id: string, before: number) => {
      const condition = this.model.conditionById.get(id);
      if (condition !== undefined && person.onsets[condition.index] === undefined) {
        person.onsets[condition.index] = Math.max(
          person.birthDay,
          death - 1 - Math.floor(random.next() * before),
        );
      }
    };
    if (cause === 'dementia') late('dementia', 3 * 365);
    if (cause === 'cancer') late('cancer', 365);
    return cause;
  }

  /** The home on the reference date (or at birth), moves before and after it, and the practices registered with. */
  #homes(person: Person, anchor: ResidentDemography, random: Random): void {
    const { window, model, samplers } = this;
    const end = Math.min(window.end, person.deathDay ?? window.end);
    const anchorDay =
      person.origin === 'born-after-reference' ? person.birthDay : Math.min(window.reference, end);
    const firstDay = Math.max(person.birthDay, window.start);
    const movesPerYear = (day: number) =>
      model.moves.perYear[ageSex(ageInYears(person.birthDay, day), person.sex === 'female')] ?? 0;
    // Move days before and after the anchor: a Poisson process at the age-specific yearly rate.
    const before: number[] = [];
    for (let day = anchorDay; day > firstDay;) {
      day -= Math.ceil(
        (-Math.log(random.next() || Number.MIN_VALUE) / Math.max(movesPerYear(day), 1e-6)) * 365.25,
      );
      if (day > firstDay) before.push(day);
    }
    const after: number[] = [];
    for (let day = anchorDay; day < end;) {
      day += Math.ceil(
        (-Math.log(random.next() || Number.MIN_VALUE) / Math.max(movesPerYear(day), 1e-6)) * 365.25,
      );
      if (day < end) after.push(day);
    }
    const homeAt = (demography: ResidentDemography, fromDay: number): Address => {
      const district = samplers.drawPostcodeDistrict(demography.lad19, random);
      const address = samplers.syntheticAddress(district, random);
      // Field by field, not by spreading `address`: spreading cost more than the rest of the home together.
      return {
        fromDay,
        lsoa11: demography.lsoa11,
        lad19: demography.lad19,
        place: demography.place,
        imdDecile: demography.imdDecile,
        postcodeDistrict: district,
        houseNumber: address.houseNumber,
        street: address.street,
        town: address.town,
        inward: address.inward,
      };
    };
    const move = (from: ResidentDemography) =>
      samplers.drawHome(random.next() < model.moves.withinDistrict ? from.lad19 : undefined, random);

    // Earlier homes, walking back from the anchor; then the anchor; then later homes.
    const earlier: ResidentDemography[] = [];
    let current: ResidentDemography = anchor;
    for (let k = 0; k < before.length; k++) {
      current = move(current);
      earlier.push(current);
    }
    const starts = [firstDay, ...[...before].reverse()];
    const homes: { demography: ResidentDemography; fromDay: number }[] = [];
    [...earlier]
      .reverse()
      .forEach((demography, k) => homes.push({ demography, fromDay: starts[k] ?? firstDay }));
    homes.push({ demography: anchor, fromDay: before.length > 0 ? (before[0] ?? firstDay) : firstDay });
    current = anchor;
    for (const day of after) {
      current = move(current);
      homes.push({ demography: current, fromDay: day });
    }
    for (const home of homes) person.addresses.push(homeAt(home.demography, home.fromDay));

    // Registered with a practice near the first home since birth or some years before the window; a move to
    // another place means a new practice, and a move within it sometimes does.
    let previous: Address | undefined;
    person.addresses.forEach((address, k) => {
      const mustChange = previous === undefined || previous.place !== address.place;
      if (mustChange || random.next() < 0.3) {
        // Up to two months after the move — but before the next move, so registrations stay in date order.
        const nextMove = person.addresses[k + 1]?.fromDay ?? Infinity;
        const fromDay =
          previous === undefined
            ? Math.max(person.birthDay, window.start - Math.floor(random.next() * 20 * DAYS_PER_YEAR))
            : Math.max(
                address.fromDay,
                Math.min(address.fromDay + Math.floor(random.next() * 60), nextMove - 1),
              );
        const practice = samplers.drawPractice(address.place, address.postcodeDistrict, random);
        // A registration that would begin after the window is not part of it.
        if (fromDay <= window.end) {
          person.registrations.push({
            fromDay,
            practice,
            organisation: this.organisations.indexOf(practice),
          });
        }
      }
      previous = address;
    });
  }

  #practiceOn(person: Person, day: number): number {
    let practice = person.registrations[0]?.organisation ?? -1;
    for (const registration of person.registrations)
      if (registration.fromDay <= day) practice = registration.organisation;
    return practice;
  }

  #addressIndexOn(person: Person, day: number): number {
    let index = 0;
    for (let k = 1; k < person.addresses.length; k++)
      if ((person.addresses[k]?.fromDay ?? Infinity) <= day) index = k;
    return index;
  }

  /**
   * The organisation that sees the person in a setting on a day: drawn once per home and setting, because people
   * go to their local hospital, not a different one each time (in districts two trusts serve, the draw decides
   * which is theirs). Social care is drawn each time, as its provider changes on a date (North Yorkshire, 2023).
   * The draws are kept in `#providerCache` by home and setting, emptied for each person by `#encounters`.
   */
  #providerOn(person: Person, setting: number, day: number, random: Random): number {
    const home = this.#addressIndexOn(person, day);
    const slot = home * SETTINGS.length + setting;
    const known = this.#providerCache[slot] ?? -1;
    if (known >= 0 && setting !== this.#socialCare) return known;
    const address = person.addresses[home] as Address;
    const organisation = this.organisations.indexOf(
      this.samplers.drawProvider(address.lad19, SETTINGS[setting] as Setting, day, random),
    );
    this.#providerCache[slot] = organisation;
    return organisation;
  }

  #smokingAndBmi(person: Person, decile: number, end: number, random: Random): void {
    const { window, model } = this;
    const female = person.sex === 'female';
    const ev = this.events;
    const adultFrom = Math.max(window.start, dayAtAge(person.birthDay, 16));
    if (adultFrom > end) return;
    const refAge = Math.max(
      16,
      ageInYears(person.birthDay, Math.min(Math.max(window.reference, adultFrom), end)),
    );
    const current = Math.min(
      0.9,
      (model.smoking.current[ageSex(refAge, female)] ?? 0) * (model.smoking.decileFactor[decile] ?? 1),
    );
    const ex = model.smoking.ex[ageSex(refAge, female)] ?? 0;
    const u = random.next();
    const status =
      u < current ? this.#smoking.current : u < current + ex ? this.#smoking.ex : this.#smoking.never;
    const recordings = poisson((model.smoking.recordedPerYear * (end - adultFrom)) / DAYS_PER_YEAR, random);
    for (let k = 0; k < recordings; k++) {
      const day = adultFrom + Math.floor(random.next() * (end - adultFrom + 1));
      ev.push(
        person.key,
        day,
        this.#kinds.observation,
        status,
        Number.NaN,
        -1,
        this.#practiceOn(person, day),
      );
    }

    const bmiFrom = Math.max(window.start, dayAtAge(person.birthDay, model.bmi.minimumAge));
    if (bmiFrom > end) return;
    const obesity = model.conditionById.get('obesity');
    const obeseFrom = obesity === undefined ? undefined : person.onsets[obesity.index];
    const mean = (model.bmi.mean[ageSex(refAge, female)] ?? 27) + (model.bmi.decileShift[decile] ?? 0);
    let usual = mean + model.bmi.sd * this.#normal(random);
    if (obeseFrom === undefined && usual >= 30) usual = 29.9 - Math.abs(this.#normal(random)) * 1.5; // an undiagnosed 30+ would be coded
    const obeseValue = 30 + Math.abs(this.#normal(random)) * 4;
    const recordings2 = poisson((model.bmi.recordedPerYear * (end - bmiFrom)) / DAYS_PER_YEAR, random);
    const days: number[] = [];
    for (let k = 0; k < recordings2; k++)
      days.push(bmiFrom + Math.floor(random.next() * (end - bmiFrom + 1)));
    if (obeseFrom !== undefined && obeseFrom >= bmiFrom && obeseFrom <= end) days.push(obeseFrom);
    for (const day of days) {
      const base =
        obeseFrom !== undefined && day >= obeseFrom ? Math.max(obeseValue, usual) : Math.min(usual, 29.9);
      const value = Math.round((base + this.#normal(random) * 0.6) * 10) / 10;
      const shown = obeseFrom !== undefined && day >= obeseFrom ? Math.max(30, value) : Math.min(29.9, value);
      ev.push(
        person.key,
        day,
        this.#kinds.observation,
        this.#bmiCode,
        shown,
        -1,
        this.#practiceOn(person, day),
      );
    }
  }

  #immunisations(person: Person, decile: number, end: number, random: Random): void {
    const { window, model } = this;
    model.immunisations.forEach((programme, index) => {
      const coverage = programme.coverage[decile] ?? 0;
      const code = this.#immunisationCodes[index] ?? -1;
      const record = (day: number) =>
        this.events.push(
          person.key,
          day,
          this.#kinds.immunisation,
          code,
          Number.NaN,
          -1,
          this.#practiceOn(person, day),
        );
      if (programme.schedule.kind === 'once') {
        const due = dayAtAge(person.birthDay, programme.schedule.age);
        const given = due + Math.floor(random.next() * 60);
        if (given >= window.start && given <= end && random.next() < coverage) record(given);
        return;
      }
      // Yearly (flu): a person who takes it up tends to every year; the yearly uptake stays at the coverage.
      const regular = random.next() < coverage;
      const otherwise = coverage < 1 ? (0.05 * coverage) / (1 - coverage) : 1;
      const { age, monthOfYear } = programme.schedule;
      for (let year = yearOf(window.start); year <= yearOf(end); year++) {
        const seasonStart = dayOfDate(year, monthOfYear, 1);
        // Eligible when aged `age` or over by the end of the following March, as the flu programme counts.
        if (ageInYears(person.birthDay, dayOfDate(year + 1, 3, 31)) < age) continue;
        const given = seasonStart + Math.floor(random.next() * 90);
        if (given < window.start || given > end) continue;
        if (random.next() < (regular ? 0.95 : otherwise)) record(given);
      }
    });
  }

  /**
   * A year's routine contacts in one setting as a count: how many (Poisson with the year's expected number), and the
   * first and last days, drawn as the smallest and largest of that many uniform days without drawing the rest.
   * Counted with the organisation of the first contact (people seldom change practice or provider within a year).
   */
  #countContacts(person: Person, k: number, setting: number, random: Random): void {
    // The expected number is read from the segment's weight, not passed: a number that is not a small integer is
    // boxed on the heap to cross a call, and this runs a hundred million times.
    const contacts = poisson(this.#segmentWeight[k] ?? 0, random);
    if (contacts === 0) return;
    const from = this.#segmentFrom[k] ?? 0;
    const length = (this.#segmentTo[k] ?? 0) - from + 1;
    // The minimum of n uniforms is 1 − U^(1/n); the maximum of the other n − 1, above it, scales the rest likewise.
    // U^(1/n) as exp(ln U / n): the same number, in two thirds of Math.pow's time (this runs 100 million times).
    const low = 1 - Math.exp(Math.log(random.next()) / contacts);
    const high = contacts === 1 ? low : low + (1 - low) * Math.exp(Math.log(random.next()) / (contacts - 1));
    const first = from + Math.min(length - 1, Math.floor(low * length));
    const last = from + Math.min(length - 1, Math.floor(high * length));
    this.activity.push(
      person.key,
      this.#segmentYear[k] ?? 0,
      setting,
      this.#organisationOn(person, setting, first, random),
      contacts,
      first,
      last,
    );
  }

  /** The organisation that sees the person in a setting on a day: their practice for GP care, else a provider. */
  #organisationOn(person: Person, setting: number, day: number, random: Random): number {
    return setting === this.#gp
      ? this.#practiceOn(person, day)
      : this.#providerOn(person, setting, day, random);
  }

  #encounters(person: Person, decile: number, end: number, random: Random): void {
    const { window, model } = this;
    const female = person.sex === 'female';
    const start = Math.max(window.start, person.birthDay);
    if (start > end) return;
    // How much care a person uses varies beyond age and need: a gamma(2, ½) frailty, mean 1, shared by settings.
    const frailty =
      -0.5 * (Math.log(random.next() || Number.MIN_VALUE) + Math.log(random.next() || Number.MIN_VALUE));
    // Calendar-year segments (the unit the yearly counts are kept in), each with its age-sex index, kept in the
    // simulator's own arrays (reused person after person: this runs for millions of people).
    const from = this.#segmentFrom;
    const to = this.#segmentTo;
    const ageIndex = this.#segmentAgeSex;
    let segments = 0;
    for (let year = yearOf(start); year <= yearOf(end); year++, segments++) {
      const first = Math.max(start, dayOfDate(year, 1, 1));
      this.#segmentYear[segments] = year;
      from[segments] = first;
      to[segments] = Math.min(end, dayOfDate(year, 12, 31));
      ageIndex[segments] = ageSex(ageInYears(person.birthDay, first), female);
    }
    // The care each segment's conditions add, by setting: summed once, not once a setting.
    const settings = SETTINGS.length;
    const care = this.#segmentCare;
    care.fill(0, 0, segments * settings);
    for (const condition of model.conditions) {
      const onset = person.onsets[condition.index];
      if (onset === undefined) continue;
      for (let k = 0; k < segments; k++) {
        if (onset > (to[k] ?? 0)) continue;
        for (let s = 0; s < settings; s++)
          care[k * settings + s] = (care[k * settings + s] ?? 0) + (condition.care[s] ?? 0);
      }
    }
    const cacheSize = person.addresses.length * settings;
    if (cacheSize > this.#providerCache.length) this.#providerCache = new Int32Array(cacheSize * 2);
    this.#providerCache.fill(-1, 0, cacheSize);
    const weights = this.#segmentWeight;
    for (let s = 0; s < settings; s++) {
      const rates = model.encounterRates[s];
      const decileFactor = (model.encounterDecileFactor[s]?.[decile] ?? 1) * frailty;
      let total = 0;
      for (let k = 0; k < segments; k++) {
        const rate = (rates?.[ageIndex[k] ?? 0] ?? 0) * decileFactor + (care[k * settings + s] ?? 0);
        const w = (rate * ((to[k] ?? 0) - (from[k] ?? 0) + 1)) / DAYS_PER_YEAR;
        weights[k] = w;
        total += w;
      }
      if (model.encounterYearly[s] === true) {
        for (let k = 0; k < segments; k++) this.#countContacts(person, k, s, random);
        continue;
      }
      const count = poisson(total, random);
      for (let n = 0; n < count; n++) {
        let pick = random.next() * total;
        let k = 0;
        while (k < segments - 1 && (pick -= weights[k] ?? 0) >= 0) k++;
        const day = (from[k] ?? 0) + Math.floor(random.next() * ((to[k] ?? 0) - (from[k] ?? 0) + 1));
        this.events.push(
          person.key,
          day,
          this.#kinds.encounter,
          this.#encounterCodes[s] ?? -1,
          Number.NaN,
          s,
          this.#organisationOn(person, s, day, random),
        );
      }
    }
    // Violence-related emergency admissions.
    let violence = 0;
    for (let k = 0; k < segments; k++) {
      violence +=
        ((model.violence.rate[ageIndex[k] ?? 0] ?? 0) *
          (model.violence.decileFactor[decile] ?? 1) *
          ((to[k] ?? 0) - (from[k] ?? 0) + 1)) /
        DAYS_PER_YEAR;
    }
    const assaults = poisson(violence, random);
    const emergencyAdmission = this.#emergencyAdmission;
    for (let n = 0; n < assaults; n++) {
      const day = start + Math.floor(random.next() * (end - start + 1));
      const organisation = this.#providerOn(person, emergencyAdmission, day, random);
      this.events.push(
        person.key,
        day,
        this.#kinds.encounter,
        this.#encounterCodes[emergencyAdmission] ?? -1,
        Number.NaN,
        emergencyAdmission,
        organisation,
        this.#violenceCode,
      );
    }
  }

  /**
   * Unpaid carers among the people simulated (a chunk's) alive on the reference date: each cares, with the census
   * chance for their age and sex, for someone needing care in the same LSOA (else district) of the same chunk. A carer
   * is coded in their GP record with the recorded share; the person cared for gets a "has a carer" code when the
   * carer is.
   */
  pairCarers(random: Random): { carer: number; caredFor: number; fromDay: number; recorded: boolean }[] {
    const { window, model, people } = this;
    const reference = window.reference;
    const alive = (row: number) =>
      (people.birth[row] ?? 0) <= reference &&
      ((people.death[row] ?? NO_DAY) === NO_DAY || (people.death[row] ?? 0) > reference);
    // Rows of the people needing care, by the LSOA and by the district of their home on the reference date.
    const needing = new Map<string, number[]>();
    const inNeed = (key: string, row: number) => {
      const list = needing.get(key);
      if (list === undefined) needing.set(key, [row]);
      else list.push(row);
    };
    for (let row = 0; row < people.length; row++) {
      if (!alive(row) || people.needsCare[row] !== 1) continue;
      const home = people.homeOn(row, reference);
      inNeed(people.lsoa11[home] as string, row);
      inNeed(people.lad19[home] as string, row);
    }
    const pairs: { carer: number; caredFor: number; fromDay: number; recorded: boolean }[] = [];
    for (let row = 0; row < people.length; row++) {
      if (!alive(row)) continue;
      const birth = people.birth[row] ?? 0;
      const age = ageInYears(birth, reference);
      if (age < 5 || random.next() >= (model.carers.prevalence[ageSex(age, people.sex[row] === 0)] ?? 0))
        continue;
      const home = people.homeOn(row, reference);
      const candidates = (
        needing.get(people.lsoa11[home] as string) ??
        needing.get(people.lad19[home] as string) ??
        []
      ).filter((other) => other !== row);
      const caredFor = candidates.length > 0 ? candidates[random.int(candidates.length)] : undefined;
      if (caredFor === undefined) continue;
      // Caring began in the five years before the reference date, but not before either of them was born.
      const fromDay = Math.max(
        people.birth[caredFor] ?? 0,
        birth,
        reference - Math.floor(random.next() * 5 * DAYS_PER_YEAR),
      );
      const recorded = random.next() < model.carers.recorded;
      const carerKey = people.key[row] ?? 0;
      const caredForKey = people.key[caredFor] ?? 0;
      pairs.push({ carer: carerKey, caredFor: caredForKey, fromDay, recorded });
      if (recorded) {
        const day = Math.max(fromDay, window.start);
        this.events.push(
          carerKey,
          day,
          this.#kinds.carer,
          this.#carerCodes.isCarer,
          Number.NaN,
          -1,
          people.practiceOn(row, day),
        );
        this.events.push(
          caredForKey,
          day,
          this.#kinds.carer,
          this.#carerCodes.hasCarer,
          Number.NaN,
          -1,
          people.practiceOn(caredFor, day),
        );
      }
    }
    return pairs;
  }
}
