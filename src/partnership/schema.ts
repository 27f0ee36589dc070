/**
 * @module partnership/schema
 * The shape of a partnership described as data: the files under partnerships/<name>/, one schema per file.
 *
 * Nothing here is about West Yorkshire: any ICS is described by the same files. Every figure carries a `source`
 * (an id in sources.yaml) and everything that can change over time is effective-dated (`from`, optional `to`).
 * Cross-references between files (a body's member organisation, a delegation's body…) are checked in
 * `validate.ts`, after each file has passed its own schema here.
 */
import { z } from 'zod';
import { poundsToPence } from '../core/money.js';

/**
 * A calendar date, ISO 8601 (YYYY-MM-DD). The loader parses YAML 1.2, where an unquoted 2021-04-01 stays a string.
 */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  // Date.parse rolls 2021-02-30 over to 2 March: a real date survives the round trip unchanged.
  .refine((text) => {
    const parsed = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
  }, 'is not a real calendar date');

/** A lowercase id used to refer to an entry from other files: letters, digits and hyphens. */
export const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'must be a lowercase id of letters, digits and hyphens (e.g. leeds-city-council)',
  );

/** A web address for people to follow: http(s) only, since it becomes a link (no javascript: or data: URLs). */
const WebAddress = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });

/** A reference to an entry of sources.yaml. */
export const SourceRef = Id;

/** ODS codes: organisations (e.g. RR8, QWO, 15F), GP practices (B82004), PCNs (U56977). */
export const OdsCode = z
  .string()
  .regex(/^[A-Z0-9]{3,6}$/, 'must be an ODS code: 3 to 6 capital letters or digits');

/** ONS GSS codes, e.g. E08000035 (a metropolitan district) or E54000054 (an ICS/STP). */
export const OnsCode = z.string().regex(/^[EWSN]\d{8}$/, 'must be an ONS GSS code such as E08000035');

/** A number with where it came from and when it was true. */
export const Figure = z
  .object({
    value: z.number().nonnegative(),
    /** The date or period the figure describes, e.g. 2021-06-30 for a mid-2021 estimate. */
    asOf: IsoDate,
    source: SourceRef,
    note: z.string().optional(),
  })
  .strict();

const effective = {
  /** First day this entry was in force. */
  from: IsoDate,
  /** Last day this entry was in force; absent while it still is. */
  to: IsoDate.optional(),
};

export const Source = z
  .object({
    id: Id,
    title: z.string().min(1),
    publisher: z.string().min(1),
    url: WebAddress.optional(),
    published: IsoDate.optional(),
    note: z.string().optional(),
  })
  .strict();

export const PartnershipInfo = z
  .object({
    id: Id,
    name: z.string().min(1),
    shortName: z.string().min(1),
    /** The ICS/STP codes: ODS (e.g. QWO) and ONS (e.g. E54000054). */
    ods: OdsCode.optional(),
    ons: OnsCode.optional(),
    from: IsoDate,
    description: z.string().min(1),
    population: Figure,
    budget: Figure.extend({ currency: z.literal('GBP') })
      .strict()
      .optional(),
    workforce: Figure.optional(),
    unpaidCarers: Figure.optional(),
    /** Principles the partnership works by, in its own words (e.g. "improve the lives of the poorest, the fastest"). */
    principles: z.array(z.string().min(1)).default([]),
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

export const Sector = z.enum([
  'nhs',
  'local-government',
  'healthwatch',
  'voluntary-community',
  'care-provider',
  'collaborative',
  'national',
]);

export const OrganisationType = z.enum([
  'integrated-care-board',
  'clinical-commissioning-group',
  'acute-trust',
  'mental-health-trust',
  'community-trust',
  'ambulance-trust',
  'community-interest-company',
  'gp-federation',
  'metropolitan-district-council',
  'county-council',
  'district-council',
  'unitary-council',
  'combined-authority',
  'healthwatch',
  'voluntary-organisation',
  'care-provider',
  'provider-collaborative',
  'national-body',
]);

export const Organisation = z
  .object({
    id: Id,
    name: z.string().min(1),
    sector: Sector,
    type: OrganisationType,
    ods: OdsCode.optional(),
    ons: OnsCode.optional(),
    /** Places this organisation mainly serves; absent for organisations serving the whole partnership. */
    places: z.array(Id).optional(),
    ...effective,
    /** The organisation that took over its functions when it ended (e.g. a merged CCG). */
    successor: Id.optional(),
    website: WebAddress.optional(),
    source: SourceRef,
    note: z.string().optional(),
  })
  .strict();

/**
 * The body that takes a place's decisions on proposals claiming no test for collective action (subsidiarity), for a
 * period. A place has at most one at a time; the routing rule reads the one in force on a proposal's date.
 */
export const PlaceDecisionBody = z
  .object({
    /** A place-level body (a body id) that serves this place. */
    body: Id,
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

export const Place = z
  .object({
    id: Id,
    name: z.string().min(1),
    /** Councils covering the place (organisation ids). */
    councils: z.array(Id).min(1),
    /** Local authority districts (ONS codes) making up the place, for joining statistics. */
    localAuthorityCodes: z.array(OnsCode).min(1),
    /** The Health and Wellbeing Board(s) (body ids). */
    healthAndWellbeingBoards: z.array(Id).min(1),
    /**
     * Who decides the place's proposals, over time. Absent or empty: no body is recorded, and a proposal for the place
     * goes to its partners' own boards (see docs/governance.md).
     */
    decisionBodies: z.array(PlaceDecisionBody).optional(),
    /** NHS commissioners of the place over time (organisation ids). */
    commissioners: z.array(Id).default([]),
    population: Figure,
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

export const Practice = z
  .object({
    ods: OdsCode,
    name: z.string().min(1),
    postcode: z.string().regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, 'must be a UK postcode such as LS1 4AP'),
    listSize: Figure.optional(),
  })
  .strict();

/** A neighbourhood: in the NHS, a primary care network (PCN) of GP practices serving 30,000–50,000 people. */
export const Neighbourhood = z
  .object({
    id: Id,
    name: z.string().min(1),
    place: Id,
    ods: OdsCode.optional(),
    practices: z.array(Practice).min(1),
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

/** One of the partnership's tests for collective action (the WY&H three: scale, good practice, wicked issues). */
export const CollectiveActionTest = z
  .object({
    id: Id,
    name: z.string().min(1),
    description: z.string().min(1),
    source: SourceRef,
  })
  .strict();

export const Programme = z
  .object({
    id: Id,
    name: z.string().min(1),
    kind: z.enum(['priority', 'enabler']),
    level: z.enum(['system', 'place']),
    /** For place-level programmes, the place that owns it. */
    place: Id.optional(),
    /** For system-level programmes: which tests for collective action justify working at system level. */
    tests: z.array(Id).default([]),
    /** Why it sits where it does, in a sentence or two. */
    rationale: z.string().min(1),
    leadOrganisation: Id.optional(),
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict()
  .superRefine((programme, ctx) => {
    if (programme.level === 'system' && programme.tests.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tests'],
        message:
          'a system-level programme must name at least one test for collective action that justifies it',
      });
    }
    if (programme.level === 'place' && programme.place === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['place'],
        message: 'a place-level programme must name its place',
      });
    }
  });

export const Member = z
  .object({
    /** The organisation the member comes from (an organisation id), when the seat belongs to one. */
    organisation: Id.optional(),
    /** Who the seat represents when it belongs to no single organisation (e.g. "Lay member", "Public member"). */
    constituency: z.string().min(1).optional(),
    /** The member's role, e.g. "Leader of the Council", "Chair", "Chief Executive", "Lay member". */
    role: z.string().min(1),
    /** How many seats the organisation holds in this role. */
    seats: z.number().int().positive().default(1),
    voting: z.boolean(),
    /** When the seat existed, if not for the body's whole life. */
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((member) => (member.organisation === undefined) !== (member.constituency === undefined), {
    message: 'a member names either an organisation or a constituency (who the seat represents), not both',
    path: ['organisation'],
  });

export const Quorum = z
  .object({
    /** At least this many voting members present. */
    minimumVoting: z.number().int().positive(),
    /** And at least this many voting members from each of these sectors. */
    fromSectors: z
      .array(z.object({ sector: Sector, atLeast: z.number().int().positive() }).strict())
      .default([]),
    /** The rule in the words of the terms of reference. */
    description: z.string().min(1),
  })
  .strict();

export const Body = z
  .object({
    id: Id,
    name: z.string().min(1),
    kind: z.enum([
      'partnership-board',
      'joint-committee',
      'health-and-wellbeing-board',
      'scrutiny-committee',
      'leadership-group',
      'committee',
    ]),
    level: z.enum(['system', 'place']),
    /** For place-level bodies, the place(s) it serves (a county Health and Wellbeing Board may serve two). */
    places: z.array(Id).default([]),
    /** The organisation that hosts it (runs its secretariat), if any. */
    host: Id.optional(),
    purpose: z.string().min(1),
    meetsInPublic: z.boolean(),
    meetingsPerYear: z.number().int().positive().optional(),
    members: z.array(Member).min(1),
    quorum: Quorum,
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.level === 'place' && body.places.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['places'],
        message: 'a place-level body must name its place(s)',
      });
    }
    const voting = body.members
      .filter((m) => m.voting && m.to === undefined)
      .reduce((sum, m) => sum + m.seats, 0);
    if (body.quorum.minimumVoting > voting) {
      ctx.addIssue({
        code: 'custom',
        path: ['quorum', 'minimumVoting'],
        message: `the quorum (${body.quorum.minimumVoting}) is larger than the number of current voting seats (${voting})`,
      });
    }
  });

export const Delegation = z
  .object({
    id: Id,
    /** The organisations delegating (organisation ids). */
    delegatedBy: z.array(Id).min(1),
    /** The body receiving the delegation (a body id). */
    delegatedTo: Id,
    /** What the body may decide. */
    scope: z.array(z.string().min(1)).min(1),
    /** What it may not decide: reserved to the delegating organisations. */
    reserved: z.array(z.string().min(1)).default([]),
    /**
     * The programmes (ids in programmes.yaml) whose matters the body may decide under this delegation: how a proposal
     * claiming a test for collective action finds the body. Absent: the delegation routes no proposals (e.g. scrutiny,
     * or a scope that names no programme).
     */
    programmes: z.array(Id).min(1).optional(),
    /**
     * Largest single commitment the body may make, in pounds (as the instrument states it; whole pence, compared in
     * pence). Absent when no limit is recorded: the delegation is then not taken to commit money, so a proposal
     * involving money falls outside it.
     */
    financialLimit: Figure.extend({
      currency: z.literal('GBP'),
      value: z
        .number()
        .nonnegative()
        .refine((pounds) => poundsToPence(pounds) !== undefined, 'must be an amount in whole pence'),
    })
      .strict()
      .optional(),
    /** The instrument that makes the delegation (e.g. a terms of reference, a scheme of delegation). */
    instrument: z.string().min(1),
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

export const Commitment = z
  .object({
    id: Id,
    theme: z.string().min(1),
    text: z.string().min(1),
    /** Who commits: 'all' partners, or a list of organisation ids. */
    parties: z.union([z.literal('all'), z.array(Id).min(1)]),
    source: SourceRef,
  })
  .strict();

export const Mou = z
  .object({
    title: z.string().min(1),
    /** The date the partners signed or agreed it. */
    agreed: IsoDate,
    version: z.string().min(1),
    summary: z.string().min(1),
    signatories: z.array(Id).min(1),
    commitments: z.array(Commitment).min(1),
    ...effective,
    source: SourceRef,
    /** Caveats: an assumption made, a fact not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

/**
 * A point of an outcome's measure: a year and its value, with where the value came from. Values may be negative (a
 * deprivation gap of a high-is-good indicator, quintile 1 − quintile 5, is below zero), so this is not a `Figure`.
 */
export const OutcomePoint = z
  .object({
    /** The calendar year the value describes (the indicator's years run 1 January to 31 December). */
    year: z.int().min(1990).max(2100),
    value: z.number(),
    source: SourceRef,
    note: z.string().optional(),
  })
  .strict();

/**
 * One of the partnership's shared outcomes (issue 7, item 4): an ambition stated measurably, against an indicator of
 * the catalogue (indicators/), with a baseline, a target and the trajectory between them, the partners accountable
 * for it and the milestones of the programmes that deliver it. An ambition with no indicator yet is listed without
 * `indicator`, `baseline` and `target`: it is shown as not measured, never given invented figures.
 */
export const Outcome = z
  .object({
    id: Id,
    title: z.string().min(1),
    /** The ambition in the partnership's own words (e.g. "reduce suicide by 10%"). */
    ambition: z.string().min(1),
    /** An indicator id of the catalogue (indicators/<id>.yaml); absent while the ambition is not measured. */
    indicator: Id.optional(),
    /**
     * What is measured: the indicator's value for the whole partnership, or its deprivation gap — the absolute gap
     * quintile 1 − quintile 5 (national IMD quintiles; 1 = most deprived).
     */
    measure: z.enum(['value', 'deprivation-gap']).default('value'),
    /** Both, or neither: without them the outcome is not measured (no trajectory to compare with). */
    baseline: OutcomePoint.optional(),
    target: OutcomePoint.optional(),
    /**
     * Stated points between the baseline and the target, when the plan gives them; absent: the trajectory is the
     * straight line from the baseline to the target.
     */
    trajectory: z.array(OutcomePoint).default([]),
    /** The partners accountable for it (organisation ids). */
    accountable: z.array(Id).min(1),
    /** The programmes that deliver it (programme ids). */
    programmes: z.array(Id).default([]),
    /** The milestones whose progress counts towards its status (milestone ids). */
    milestones: z.array(Id).default([]),
    source: SourceRef,
    /** Caveats: an assumption made, a figure not sourced. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict()
  .superRefine((outcome, ctx) => {
    const measured = outcome.indicator !== undefined;
    // An indicator without a baseline and target is allowed — the outcome is not measured until both are set — so
    // that a baseline that cannot be sourced (or published) is left out rather than invented.
    if (measured && (outcome.baseline === undefined) !== (outcome.target === undefined)) {
      const missing = outcome.baseline === undefined ? 'baseline' : 'target';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `an outcome with a ${missing === 'baseline' ? 'target' : 'baseline'} needs a ${missing} too (year, value, source)`,
      });
    }
    if (outcome.trajectory.length > 0 && (outcome.baseline === undefined || outcome.target === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['trajectory'],
        message: 'a trajectory needs a baseline and a target',
      });
    }
    for (const key of ['baseline', 'target'] as const) {
      if (!measured && outcome[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `an outcome without an indicator is not measured: remove its ${key}, or name its indicator`,
        });
      }
    }
    const { baseline, target } = outcome;
    if (baseline === undefined || target === undefined) return;
    if (target.year <= baseline.year) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'year'],
        message: `the target year (${target.year}) must come after the baseline year (${baseline.year})`,
      });
    }
    // Stated points lie strictly between the baseline and the target, in order, so the trajectory is a function of
    // the year.
    let previous = baseline.year;
    outcome.trajectory.forEach((point, index) => {
      if (point.year <= previous || point.year >= target.year) {
        ctx.addIssue({
          code: 'custom',
          path: ['trajectory', index, 'year'],
          message: `must come after ${previous} and before the target year ${target.year}, in order`,
        });
      }
      previous = Math.max(previous, point.year);
    });
  });

/** A programme milestone: what is to be delivered, by which partner, by when. Its progress is recorded in Accord. */
export const Milestone = z
  .object({
    id: Id,
    /** The programme it belongs to (a programme id). */
    programme: Id,
    title: z.string().min(1),
    /** The partner that delivers it (an organisation id): its officers report it complete. */
    owner: Id,
    /** The day it is due. */
    due: IsoDate,
    source: SourceRef,
    /** Caveats: an assumption made, a date not confirmed. Shown beside the entry. */
    note: z.string().optional(),
  })
  .strict();

/** The files of a partnership folder and the schema of each. Each list file holds `{ <key>: [...] }`. */
export const PartnershipFiles = {
  'partnership.yaml': z.object({ partnership: PartnershipInfo }).strict(),
  'sources.yaml': z.object({ sources: z.array(Source).min(1) }).strict(),
  'organisations.yaml': z.object({ organisations: z.array(Organisation).min(1) }).strict(),
  'places.yaml': z.object({ places: z.array(Place).min(1) }).strict(),
  'neighbourhoods.yaml': z.object({ neighbourhoods: z.array(Neighbourhood) }).strict(),
  'collective-action-tests.yaml': z.object({ tests: z.array(CollectiveActionTest).min(1) }).strict(),
  'programmes.yaml': z.object({ programmes: z.array(Programme) }).strict(),
  'bodies.yaml': z.object({ bodies: z.array(Body).min(1) }).strict(),
  'delegations.yaml': z.object({ delegations: z.array(Delegation) }).strict(),
  'mou.yaml': z.object({ mou: Mou }).strict(),
  'outcomes.yaml': z.object({ outcomes: z.array(Outcome) }).strict(),
  'milestones.yaml': z.object({ milestones: z.array(Milestone) }).strict(),
} as const;

/**
 * Files a partnership folder may leave out: shared outcomes and milestones came later (issue 7, item 4), and a
 * partnership that has not written them yet still loads, with none.
 */
export const OPTIONAL_FILES: ReadonlySet<PartnershipFileName> = new Set(['outcomes.yaml', 'milestones.yaml']);

export type PartnershipFileName = keyof typeof PartnershipFiles;

export type Figure = z.infer<typeof Figure>;
export type Source = z.infer<typeof Source>;
export type PartnershipInfo = z.infer<typeof PartnershipInfo>;
export type Sector = z.infer<typeof Sector>;
export type OrganisationType = z.infer<typeof OrganisationType>;
export type Organisation = z.infer<typeof Organisation>;
export type Place = z.infer<typeof Place>;
export type PlaceDecisionBody = z.infer<typeof PlaceDecisionBody>;
export type Practice = z.infer<typeof Practice>;
export type Neighbourhood = z.infer<typeof Neighbourhood>;
export type CollectiveActionTest = z.infer<typeof CollectiveActionTest>;
export type Programme = z.infer<typeof Programme>;
export type Member = z.infer<typeof Member>;
export type Quorum = z.infer<typeof Quorum>;
export type Body = z.infer<typeof Body>;
export type Delegation = z.infer<typeof Delegation>;
export type Commitment = z.infer<typeof Commitment>;
export type Mou = z.infer<typeof Mou>;
export type OutcomePoint = z.infer<typeof OutcomePoint>;
export type Outcome = z.infer<typeof Outcome>;
export type Milestone = z.infer<typeof Milestone>;

/** A whole partnership, after every file has passed its schema and every reference resolves. */
export interface Partnership {
  readonly info: PartnershipInfo;
  readonly sources: readonly Source[];
  readonly organisations: readonly Organisation[];
  readonly places: readonly Place[];
  readonly neighbourhoods: readonly Neighbourhood[];
  readonly tests: readonly CollectiveActionTest[];
  readonly programmes: readonly Programme[];
  readonly bodies: readonly Body[];
  readonly delegations: readonly Delegation[];
  readonly mou: Mou;
  /**
   * The shared outcomes and programme milestones (outcomes.yaml, milestones.yaml). Optional: a partnership may not
   * have written them, and a partnership read back from the store has them once the store keeps them.
   */
  readonly outcomes?: readonly Outcome[];
  readonly milestones?: readonly Milestone[];
}
