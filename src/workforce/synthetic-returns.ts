/**
 * @module workforce/synthetic-returns
 * Demo workforce returns: seeded, so the same seed gives the same file on every machine. Every NHS trust, NHS
 * community interest company and council with adult social services (metropolitan, unitary and county councils) of
 * the partnership makes a return for each of 12 quarters, 2022-Q2 to 2025-Q1 (April 2022 to March 2025: the three
 * financial years 2022/23 to 2024/25), for each quarter it was in force on the quarter's last day — so a council
 * replaced in a reorganisation hands over to its successor. The result is CSV text in the upload format
 * (return-csv.ts), which the demo loads through the same checks as anyone's file.
 *
 * The figures are illustrative, not any organisation's own, but of the right size and shape:
 * - Size by type of organisation (headcount in the first quarter, then ±15% per organisation): of the order of NHS
 *   trusts' annual reports (a large acute teaching trust employs 15–20,000, a district general hospital 4–7,000, a
 *   mental health or community trust 3–5,000, an ambulance trust 6–7,000) and of councils' directly employed adult
 *   social care staff (Skills for Care, local authority workforce, 2–4,000 for a metropolitan council). For West
 *   Yorkshire and Harrogate this makes over 100,000 people, as the partnership says of its workforce ("100,000+
 *   workforce": sources.yaml `wyh-ics-faq-2018`); only the NHS trusts and councils are counted here, not primary care
 *   or independent care providers, so the real system is larger still.
 * - Staff group mix: NHS Digital, NHS Workforce Statistics (England, HCHS staff by main staff group: roughly doctors
 *   10%, nurses and health visitors 26%, midwives 2%, ambulance staff 3%, scientific, therapeutic and technical 14%,
 *   support to clinical staff 28%, infrastructure support 17%), shifted by type of trust (an ambulance trust is mostly
 *   ambulance staff; only acute trusts employ midwives). Councils: Skills for Care's job role groups for local
 *   authority adult social care (direct care about half, regulated professions — mostly social workers — a fifth).
 * - FTE per head: NHS about 0.87 (NHS Workforce Statistics: about 1.3 million FTE for 1.5 million people); social care
 *   about 0.8 (Skills for Care: much part-time work).
 * - Vacancy rate: NHS from 9% falling to 7% (NHS England, NHS Vacancy Statistics, 2022–2025: about 9.7% in 2022, under
 *   7% by 2025); adult social care from 10.5% falling to 8.5% (Skills for Care, 2022/23 9.9%, 2023/24 8.1%).
 * - Turnover (annual leavers ÷ average headcount): NHS from 12% to 10% (NHS Digital leaver rates, 2022–2024); social
 *   care from 29% to 25% (Skills for Care: 28.3% in 2022/23, 25.4% in 2023/24), as quarterly leavers of a quarter of it.
 * - A gentle trend: headcount grows about 1.5% a year (the NHS workforce grew faster, the councils' slower); new roles
 *   (nursing associates, physician associates, first contact practitioners) grow from a small share.
 * - Working carers recognised (the optional working_carers_headcount): Carers UK estimates that about 1 in 7 workers
 *   juggle work and unpaid care, but employers know of only a fraction of them — those holding a carer passport,
 *   taking carers' leave or on a working carers' register. The share recognised here, 2% to 4% of each employer's
 *   staff (drawn per organisation, with ±10% noise per staff group and quarter), is an ASSUMPTION for the demo, not a
 *   sourced figure. Most employers report it, not all: each NHS trust and council does with a seeded chance of 5 in
 *   6, in every quarter; NHS community interest companies do not — so the pages show the figure as "reported by n of
 *   m organisations", and the generator exercises the column being left empty.
 * Starters are what makes each quarter's headcount follow from the last (headcount = opening − leavers + starters).
 */
import { inForceOn } from '../partnership/views.js';
import type { Organisation, OrganisationType } from '../partnership/schema.js';
import { createRandom, type Random } from '../synthetic/random.js';
import { round2 } from './measures.js';
import { parseQuarter, quarterEnd, shiftQuarter } from './quarters.js';
import { formatReturnCsv, type ReturnLine } from './return-csv.js';
import type { Sector } from './staff-groups.js';

export const SYNTHETIC_FIRST_PERIOD = '2022-Q2';
export const SYNTHETIC_QUARTERS = 12;
export const DEFAULT_WORKFORCE_SEED = 2025;

export const syntheticPeriods = (first = SYNTHETIC_FIRST_PERIOD, count = SYNTHETIC_QUARTERS): string[] =>
  Array.from({ length: count }, (_, i) => shiftQuarter(first, i));

interface Profile {
  readonly sector: Sector;
  /** Headcount in the first quarter, before the organisation's own factor. */
  readonly size: number;
  /** Share of the headcount in each staff group (summing to 1). */
  readonly mix: Readonly<Record<string, number>>;
}

const ACUTE = {
  'medical-and-dental': 0.13,
  'nurses-and-health-visitors': 0.3,
  midwives: 0.035,
  'ambulance-staff': 0.005,
  'scientific-therapeutic-technical': 0.14,
  'support-to-clinical-staff': 0.23,
  'nhs-infrastructure-support': 0.16,
};
const MENTAL_HEALTH = {
  'medical-and-dental': 0.05,
  'nurses-and-health-visitors': 0.26,
  'scientific-therapeutic-technical': 0.15,
  'support-to-clinical-staff': 0.34,
  'nhs-infrastructure-support': 0.2,
};
const COMMUNITY = {
  'medical-and-dental': 0.03,
  'nurses-and-health-visitors': 0.3,
  'scientific-therapeutic-technical': 0.25,
  'support-to-clinical-staff': 0.22,
  'nhs-infrastructure-support': 0.2,
};
const AMBULANCE = {
  'medical-and-dental': 0.005,
  'nurses-and-health-visitors': 0.02,
  'ambulance-staff': 0.6,
  'scientific-therapeutic-technical': 0.01,
  'support-to-clinical-staff': 0.15,
  'nhs-infrastructure-support': 0.215,
};
const COUNCIL = {
  'direct-care': 0.5,
  managerial: 0.12,
  'regulated-professions': 0.2,
  'social-care-other': 0.18,
};

/** The organisations that make returns, by type; other types (commissioners, Healthwatch…) make none. */
const PROFILES: Partial<Record<OrganisationType, Profile>> = {
  'acute-trust': { sector: 'nhs', size: 10_000, mix: ACUTE },
  'mental-health-trust': { sector: 'nhs', size: 4_000, mix: MENTAL_HEALTH },
  'community-trust': { sector: 'nhs', size: 3_500, mix: COMMUNITY },
  'ambulance-trust': { sector: 'nhs', size: 7_000, mix: AMBULANCE },
  'community-interest-company': { sector: 'nhs', size: 1_200, mix: COMMUNITY },
  'metropolitan-district-council': { sector: 'social-care', size: 3_200, mix: COUNCIL },
  'unitary-council': { sector: 'social-care', size: 3_200, mix: COUNCIL },
  'county-council': { sector: 'social-care', size: 3_200, mix: COUNCIL },
};

/** Share of each staff group in roles new to the workforce plan, in the first quarter (it grows by a third). */
const NEW_ROLES: Readonly<Record<string, number>> = {
  'nurses-and-health-visitors': 0.01,
  'scientific-therapeutic-technical': 0.03,
  'support-to-clinical-staff': 0.05,
  'regulated-professions': 0.02,
  'direct-care': 0.005,
};

const RATES: Readonly<
  Record<Sector, { fte: number; vacancy: [number, number]; turnover: [number, number]; growth: number }>
> = {
  nhs: { fte: 0.87, vacancy: [0.09, 0.07], turnover: [0.12, 0.1], growth: 0.016 },
  'social-care': { fte: 0.8, vacancy: [0.105, 0.085], turnover: [0.29, 0.25], growth: 0.01 },
};

/** The chance that an NHS trust or council reports working carers; the range of the share of staff it recognises. */
const CARERS_REPORTING = 5 / 6;
const CARERS_SHARE: readonly [number, number] = [0.02, 0.04];

/** The share of its staff the organisation recognises as working carers, or undefined when it does not report it. */
function carersShare(seed: number, organisation: Pick<Organisation, 'id' | 'type'>): number | undefined {
  if (organisation.type === 'community-interest-company') return undefined;
  const random = createRandom(seed, `workforce/${organisation.id}/working-carers`);
  const reports = random.next() < CARERS_REPORTING;
  const share = CARERS_SHARE[0] + (CARERS_SHARE[1] - CARERS_SHARE[0]) * random.next();
  return reports ? share : undefined;
}

/** Whether the organisation makes returns (it has a profile). */
export const makesReturns = (o: Pick<Organisation, 'type'>): boolean => PROFILES[o.type] !== undefined;

/** A number in [1 − spread, 1 + spread]. */
const jitter = (random: Random, spread: number): number => 1 + (random.next() * 2 - 1) * spread;

/** The demo's returns for every organisation that makes them, quarter by quarter. */
export function syntheticReturnLines(
  organisations: readonly Organisation[],
  options: { seed?: number; periods?: readonly string[] } = {},
): ReturnLine[] {
  const seed = options.seed ?? DEFAULT_WORKFORCE_SEED;
  const periods = options.periods ?? syntheticPeriods();
  const lines: ReturnLine[] = [];
  for (const organisation of organisations) {
    const profile = PROFILES[organisation.type];
    if (profile === undefined) continue;
    const rates = RATES[profile.sector];
    const scale = jitter(createRandom(seed, `workforce/${organisation.id}`), 0.15);
    const carers = carersShare(seed, organisation);
    for (const [group, share] of Object.entries(profile.mix)) {
      const random = createRandom(seed, `workforce/${organisation.id}/${group}`);
      // Its own stream, so the other figures are those they were before the column was added.
      const carersRandom = createRandom(seed, `workforce/${organisation.id}/${group}/working-carers`);
      const base = profile.size * scale * share;
      let previous = Math.round(base * (1 - rates.growth / 4));
      periods.forEach((period, i) => {
        const t = periods.length <= 1 ? 0 : i / (periods.length - 1);
        const quarter = parseQuarter(period);
        // Draw every number every quarter, in use or not, so each quarter's figures do not depend on which
        // quarters before it were in force.
        const noise = [
          jitter(random, 0.004),
          jitter(random, 0.02),
          jitter(random, 0.1),
          jitter(random, 0.15),
        ];
        const headcount = Math.max(0, Math.round(base * (1 + (rates.growth / 4) * i) * (noise[0] ?? 1)));
        const open = quarter !== undefined && inForceOn(organisation, quarterEnd(quarter));
        const annualTurnover = rates.turnover[0] + (rates.turnover[1] - rates.turnover[0]) * t;
        const leavers = Math.min(
          headcount,
          Math.round(((previous + headcount) / 2) * (annualTurnover / 4) * (noise[2] ?? 1)),
        );
        const starters = Math.max(0, headcount - previous + leavers);
        const staffFte = Math.min(headcount, round2(headcount * rates.fte * (noise[1] ?? 1)));
        const vacancy = (rates.vacancy[0] + (rates.vacancy[1] - rates.vacancy[0]) * t) * (noise[3] ?? 1);
        const postsFte = round2(staffFte / (1 - vacancy));
        const vacanciesFte = Math.min(postsFte, round2(postsFte * vacancy));
        const newRoles = Math.min(headcount, Math.round(headcount * (NEW_ROLES[group] ?? 0) * (1 + t / 3)));
        const carersNoise = jitter(carersRandom, 0.1);
        const workingCarers =
          carers === undefined
            ? undefined
            : Math.min(headcount, Math.round(headcount * carers * carersNoise));
        previous = headcount;
        if (!open) return;
        lines.push({
          organisation: organisation.id,
          period,
          staffGroup: group,
          postsFte,
          headcount,
          staffFte,
          vacanciesFte,
          starters: Math.min(starters, headcount + leavers),
          leavers,
          newRoles,
          ...(workingCarers === undefined ? {} : { workingCarers }),
        });
      });
    }
  }
  return lines;
}

/** The demo's returns as one upload file (CSV text, LF line ends). */
export function syntheticReturnCsv(
  organisations: readonly Organisation[],
  options: { seed?: number; periods?: readonly string[] } = {},
): string {
  return formatReturnCsv(syntheticReturnLines(organisations, options));
}
