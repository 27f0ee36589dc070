/**
 * @module synthetic/life-course/model
 * The life-course reference model as typed data: what the YAML files in `reference/life-course/` say once loaded
 * and checked (by `reference.ts`). These figures are national, not a partnership's: how common each condition is by
 * age and sex, how it follows deprivation, what it does to the risk of death and to the use of services, which SNOMED
 * CT codes record it, and where every number came from. A partnership's own targets (QOF prevalence by place, the
 * IMD gradient) come from its calibration folder; `compile.ts` combines the two into samplers.
 *
 * Conventions: ages are whole years; an age band runs from `from` to `to` inclusive, and a band without `to` is open
 * ("85 and over"). Bands of a table are contiguous from 0 (or from the table's first age) and do not overlap.
 * `source` is one or more ids of `reference/sources.yaml`, separated by spaces.
 */

export interface Coding {
  /** SNOMED CT concept id (or, where stated, another system's code). */
  readonly code: string;
  readonly display: string;
}

/** A figure for each sex in one age band. */
export interface AgeBand {
  readonly from: number;
  /** Inclusive; absent on the last, open band. */
  readonly to?: number;
  readonly male: number;
  readonly female: number;
}

/** The settings in which people are seen, each sent by a different kind of partner organisation. */
export const SETTINGS = [
  'gp', // general practice consultation (practice)
  'emergency-department', // A&E attendance (acute trust)
  'emergency-admission', // non-elective inpatient admission (acute trust)
  'elective-admission', // elective inpatient or day case (acute trust)
  'outpatient', // outpatient attendance (acute trust)
  'mental-health', // contact with secondary mental health services (mental health trust)
  'community', // community nursing / therapy contact (community provider)
  'ambulance', // emergency ambulance incident (ambulance service)
  'social-care', // adult social care assessment or service (council)
] as const;
export type Setting = (typeof SETTINGS)[number];

export const CAUSES_OF_DEATH = [
  'circulatory',
  'cancer',
  'respiratory',
  'dementia',
  'suicide',
  'other-external', // accidents, assault and other external causes apart from suicide
  'other',
] as const;
export type CauseOfDeath = (typeof CAUSES_OF_DEATH)[number];

export interface ConditionModule {
  /** Short id used in code and output: `diabetes`, `chd`, … */
  readonly id: string;
  readonly name: string;
  /** The code recorded at diagnosis (the Condition resource's code). */
  readonly snomed: Coding;
  /**
   * The QOF disease group the condition is calibrated to (e.g. `DM`): its recorded prevalence in each place and its
   * gradient across national IMD deciles come from the partnership's calibration tables, and `prevalence` below is
   * then only the shape by age and sex (scaled to hit the place's figure). Without it, `prevalence` is absolute.
   */
  readonly qofGroup?: string;
  /** The youngest age counted on the QOF register (e.g. 17 for diabetes); absent when the register has no minimum. */
  readonly qofMinimumAge?: number;
  /** Prevalence (a proportion, 0…1) by age band and sex on the reference date; relative when `qofGroup` is set. */
  readonly prevalence: {
    readonly bands: readonly AgeBand[];
    readonly source: string;
    readonly note?: string;
  };
  /**
   * Prevalence in the most deprived national IMD quintile relative to the least deprived, for conditions without a
   * QOF gradient (a log-linear gradient across the quintiles is implied).
   */
  readonly deprivation?: { readonly ratioMostToLeast: number; readonly source: string };
  /** Other conditions that make this one more likely (relative risk of having it, given the other). */
  readonly riskFactors?: readonly {
    readonly condition: string;
    readonly relativeRisk: number;
    readonly source: string;
  }[];
  /** What the condition does to the risk of death. */
  readonly mortality?: {
    /** All-cause hazard ratio for people with the condition against those without, at the same age and sex. */
    readonly hazardRatio: number;
    /** The cause recorded when a person with the condition dies of it. */
    readonly cause: CauseOfDeath;
    /** Of the deaths of people with the condition, the share certified as caused by it. */
    readonly shareOfDeaths: number;
    readonly source: string;
  };
  /** Stage at diagnosis (cancer): the shares sum to 1. */
  readonly stages?: {
    readonly shares: readonly { readonly stage: string; readonly share: number; readonly snomed: Coding }[];
    readonly source: string;
  };
  /** Extra contacts a year, in each setting, for people with the condition (on top of the baseline rates). */
  readonly care?: {
    readonly perYear: readonly { readonly setting: Setting; readonly rate: number }[];
    readonly source: string;
  };
}

/** Smoking status: current and ex-smokers by age and sex, and the deprivation gradient. */
export interface SmokingModule {
  readonly current: { readonly bands: readonly AgeBand[]; readonly source: string };
  readonly ex: { readonly bands: readonly AgeBand[]; readonly source: string };
  /** Current smoking in the most deprived IMD quintile relative to the least deprived. */
  readonly deprivation: { readonly ratioMostToLeast: number; readonly source: string };
  readonly codes: { readonly current: Coding; readonly ex: Coding; readonly never: Coding };
  /** Share of adults whose status is recorded in a given year (so measurements appear in the record). */
  readonly recordedPerYear: { readonly rate: number; readonly source: string };
}

/** Body mass index of adults: a normal distribution by age band and sex, shifted by deprivation. */
export interface BmiModule {
  readonly minimumAge: number;
  readonly mean: { readonly bands: readonly AgeBand[]; readonly source: string };
  readonly standardDeviation: { readonly value: number; readonly source: string };
  /** Mean BMI in the most deprived quintile minus that in the least deprived (kg/m²). */
  readonly deprivationShift: { readonly value: number; readonly source: string };
  /** The observation code (LOINC-free: the SNOMED CT "body mass index" observable). */
  readonly code: Coding;
  readonly recordedPerYear: { readonly rate: number; readonly source: string };
}

/** An immunisation programme: who is eligible, when, and what share receive it. */
export interface ImmunisationModule {
  readonly id: string;
  readonly name: string;
  /** The procedure or vaccine product code recorded (SNOMED CT). */
  readonly snomed: Coding;
  /**
   * When it is given: `once` at `age` (years, may be fractional, e.g. 1 for MMR1, 3.33 for MMR2), or `yearly` each
   * autumn from `age` on (flu 65+).
   */
  readonly schedule:
    | { readonly kind: 'once'; readonly age: number }
    | { readonly kind: 'yearly'; readonly age: number; readonly monthOfYear: number };
  /** Share of the eligible who receive it, and the relative uptake in the most against the least deprived quintile. */
  readonly coverage: { readonly value: number; readonly ratioMostToLeast: number; readonly source: string };
}

/** Baseline use of one setting by people of each age and sex (contacts a year), apart from any condition. */
export interface EncounterModule {
  readonly setting: Setting;
  readonly name: string;
  /** The encounter type code (SNOMED CT). */
  readonly snomed: Coding;
  readonly rates: { readonly bands: readonly AgeBand[]; readonly source: string };
  /** Rate in the most deprived quintile relative to the least deprived. */
  readonly deprivation: { readonly ratioMostToLeast: number; readonly source: string };
  /**
   * How the ground truth records the contacts: `each` as one dated event apiece; `yearly` as a count per person,
   * calendar year and organisation with the first and last dates (the routine, high-volume settings — GP,
   * outpatients, community and mental health contacts are 85% of all contacts, and dating each one would make the
   * truth ten times larger without a use that needs it).
   */
  readonly recorded: EncounterRecording;
}

export const ENCOUNTER_RECORDINGS = ['each', 'yearly'] as const;
export type EncounterRecording = (typeof ENCOUNTER_RECORDINGS)[number];

/** Mortality: England's life table, the life expectancy of each IMD decile, and how deaths divide among causes. */
export interface MortalityModule {
  /** Probability of dying within a year at each single age 0…100 (100 stands for 100 and over), by sex. */
  readonly lifeTable: {
    readonly qx: readonly { readonly age: number; readonly male: number; readonly female: number }[];
    readonly source: string;
  };
  /** Period life expectancy at birth by national IMD decile (1 = most deprived), by sex. */
  readonly lifeExpectancyByDecile: {
    readonly deciles: readonly { readonly decile: number; readonly male: number; readonly female: number }[];
    readonly source: string;
  };
  /** Share of deaths from each cause by age band (shares of each band and sex sum to 1 across causes). */
  readonly causes: {
    readonly shares: readonly {
      readonly cause: CauseOfDeath;
      readonly bands: readonly AgeBand[];
    }[];
    readonly source: string;
  };
  /** Codes recorded for each cause (ICD-10 chapter or block as `code`, e.g. `I00-I99`). */
  readonly causeCodes: readonly { readonly cause: CauseOfDeath; readonly icd10: Coding }[];
  /** Suicide rate relative between the most and least deprived IMD quintiles. */
  readonly suicideDeprivation: { readonly ratioMostToLeast: number; readonly source: string };
}

/** Unpaid carers: who provides care, and the codes that record it. */
export interface CarerModule {
  /** Share of people providing unpaid care, by age band and sex (Census 2021). */
  readonly prevalence: { readonly bands: readonly AgeBand[]; readonly source: string };
  /** Share of carers who are coded as carers in their GP record. */
  readonly recorded: { readonly value: number; readonly source: string };
  readonly codes: { readonly isCarer: Coding; readonly hasCarer: Coding };
}

/** Violence-related emergency admissions (assault), by age and sex, with the deprivation gradient. */
export interface ViolenceModule {
  readonly admissionsPerYear: { readonly bands: readonly AgeBand[]; readonly source: string };
  readonly deprivation: { readonly ratioMostToLeast: number; readonly source: string };
  readonly snomed: Coding;
}

/** Moving home: the share of residents who move in a year, by age band (both sexes alike). */
export interface MovesModule {
  readonly perYear: { readonly bands: readonly AgeBand[]; readonly source: string };
  /** Of moves, the share that stay in the same local authority district. */
  readonly withinDistrict: { readonly value: number; readonly source: string };
}

/**
 * An entry of `reference/sources.yaml`: the same shape as a partnership's sources.yaml. The file is shared with the
 * other national reference tables (names), and a source need not be on the web (the project's own compilations are
 * not), so `url` is optional as it is for a partnership's sources.
 */
export interface ReferenceSource {
  readonly id: string;
  readonly title: string;
  readonly publisher: string;
  readonly url?: string;
  readonly published?: string;
  readonly note?: string;
}

/** Everything in `reference/life-course/`, loaded and checked. */
export interface LifeCourseReference {
  readonly conditions: readonly ConditionModule[];
  readonly smoking: SmokingModule;
  readonly bmi: BmiModule;
  readonly immunisations: readonly ImmunisationModule[];
  readonly encounters: readonly EncounterModule[];
  readonly mortality: MortalityModule;
  readonly carers: CarerModule;
  readonly violence: ViolenceModule;
  readonly moves: MovesModule;
  readonly sources: readonly ReferenceSource[];
}
