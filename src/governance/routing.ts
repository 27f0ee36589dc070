/**
 * @module governance/routing
 * The subsidiarity rule: where a proposal is decided. The rule's steps are fixed here; everything they read is data
 * from the partnership files — each place's decision-making body (places.yaml `decisionBodies`), and each
 * delegation's body, programmes, financial limit and dates (delegations.yaml) — so a partnership changes where its
 * proposals go by changing its files, never this code.
 *
 * 1. No test for collective action met → the place decides: the affected place's decision-making body on the
 *    proposal's date (`single-place`); when several places are affected, each place's own body, each deciding for
 *    its own area (`each-place`), since nothing shown needs the whole partnership.
 * 2. One or more tests met → the system body within whose delegation the matter falls on that date
 *    (`system-delegation`): a delegation to a system-level body, in force, covering the proposal's programme, made by
 *    organisations acting for every place affected, whose financial limit covers the money involved.
 * 3. Otherwise (no such delegation, a place with no decision-making body, or a challenge upheld because the matter is
 *    reserved to the partners) → the partners' own boards (`partners-own-boards`): the councils and NHS commissioners
 *    of the places affected, each deciding under its own governance.
 *
 * Pure: the same proposal, partnership and date give the same routing. The findings say, for every delegation
 * considered, why it was or was not used; `rationale.ts` puts them into words.
 */
import { poundsToPence } from '../core/money.js';
import type { Delegation, Partnership, Place } from '../partnership/index.js';
import { inForceOn } from '../partnership/views.js';

export const RULES = ['single-place', 'each-place', 'system-delegation', 'partners-own-boards'] as const;
export type RuleId = (typeof RULES)[number];

/** What the rule reads from a proposal. */
export interface RoutingInput {
  readonly places: readonly string[];
  readonly programme: string | undefined;
  readonly moneyPence: number | undefined;
  /** The tests for collective action the proposal claims. */
  readonly tests: readonly string[];
}

/** What a resolver decided when upholding a challenge: these change the routing, each with its reason. */
export interface RoutingOverrides {
  /** Claimed tests found not to be met; the rule then reads only the others. */
  readonly testsNotMet?: { readonly tests: readonly string[]; readonly reason: string };
  /** The matter is reserved to the partners (e.g. among a delegation's reserved matters): their own boards decide. */
  readonly reservedToPartners?: { readonly reason: string };
}

/** Why one delegation covering the proposal's programme was or was not the one. */
export type DelegationFinding = { readonly delegation: string; readonly body: string } & (
  | { readonly verdict: 'within' }
  | { readonly verdict: 'not-in-force'; readonly from: string; readonly to: string | undefined }
  | { readonly verdict: 'body-not-in-force' }
  | { readonly verdict: 'places-not-covered'; readonly places: readonly string[] }
  | { readonly verdict: 'over-limit'; readonly limitPence: number; readonly moneyPence: number }
  | { readonly verdict: 'no-limit'; readonly moneyPence: number }
);

/** Why a proposal went to the partners' own boards. */
export type PartnersReason =
  | { readonly kind: 'no-programme' }
  | { readonly kind: 'no-delegation-covers-programme' }
  | { readonly kind: 'no-delegation-fits' }
  | { readonly kind: 'places-without-body'; readonly places: readonly string[] }
  | { readonly kind: 'reserved'; readonly reason: string };

export interface PlaceDecider {
  readonly place: string;
  readonly body: string;
}

export interface Routing {
  readonly rule: RuleId;
  /** The proposal's date: delegations, bodies and places are taken as in force on it. */
  readonly asOf: string;
  readonly testsClaimed: readonly string[];
  /** The claimed tests the rule took as met (all of them unless a resolver found some not met). */
  readonly testsMet: readonly string[];
  readonly testsNotMet: { readonly tests: readonly string[]; readonly reason: string } | undefined;
  /** Bodies that decide (place and system rules), without repeats. */
  readonly bodies: readonly string[];
  /** Partner organisations that decide through their own boards (partners rule). */
  readonly organisations: readonly string[];
  /** The delegation the system body decides under (system rule). */
  readonly delegation: string | undefined;
  /** Each affected place and its body (place rules). */
  readonly placeBodies: readonly PlaceDecider[];
  /** Every delegation to a system body that covers the programme, with its verdict (system and partners rules). */
  readonly findings: readonly DelegationFinding[];
  readonly partnersReason: PartnersReason | undefined;
}

/** The body that decides for `place` on `date`: its decision body in force then, if that body is in force too. */
export function placeDecisionBody(p: Partnership, place: Place, date: string): string | undefined {
  const entry = (place.decisionBodies ?? []).find((candidate) => inForceOn(candidate, date));
  if (entry === undefined) return undefined;
  const body = p.bodies.find((b) => b.id === entry.body);
  return body !== undefined && inForceOn(body, date) ? body.id : undefined;
}

/** Organisations that act for a place: its councils and NHS commissioners. */
const actingFor = (place: Place): readonly string[] => [...place.councils, ...place.commissioners];

/** The councils and NHS commissioners of the places, in force on `date`, without repeats. */
export function partnersOf(p: Partnership, placeIds: readonly string[], date: string): string[] {
  const result: string[] = [];
  for (const id of placeIds) {
    const place = p.places.find((candidate) => candidate.id === id);
    if (place === undefined) continue;
    for (const orgId of actingFor(place)) {
      const organisation = p.organisations.find((o) => o.id === orgId);
      if (organisation !== undefined && inForceOn(organisation, date) && !result.includes(orgId)) {
        result.push(orgId);
      }
    }
  }
  return result;
}

function judge(p: Partnership, d: Delegation, input: RoutingInput, date: string): DelegationFinding {
  const base = { delegation: d.id, body: d.delegatedTo };
  if (!inForceOn(d, date)) return { ...base, verdict: 'not-in-force', from: d.from, to: d.to };
  const body = p.bodies.find((b) => b.id === d.delegatedTo);
  if (body === undefined || !inForceOn(body, date)) return { ...base, verdict: 'body-not-in-force' };
  // A body decides only for the places whose partners gave it the power: some delegating organisation must act for
  // each place affected.
  const uncovered = input.places.filter((id) => {
    const place = p.places.find((candidate) => candidate.id === id);
    return place === undefined || !actingFor(place).some((orgId) => d.delegatedBy.includes(orgId));
  });
  if (uncovered.length > 0) return { ...base, verdict: 'places-not-covered', places: uncovered };
  const money = input.moneyPence ?? 0;
  if (money > 0) {
    const limit = d.financialLimit === undefined ? undefined : poundsToPence(d.financialLimit.value);
    if (limit === undefined) return { ...base, verdict: 'no-limit', moneyPence: money };
    if (money > limit) return { ...base, verdict: 'over-limit', limitPence: limit, moneyPence: money };
  }
  return { ...base, verdict: 'within' };
}

export function routeProposal(
  p: Partnership,
  input: RoutingInput,
  date: string,
  overrides: RoutingOverrides = {},
): Routing {
  const notMet = overrides.testsNotMet?.tests ?? [];
  const testsMet = input.tests.filter((test) => !notMet.includes(test));
  const base = {
    asOf: date,
    testsClaimed: input.tests,
    testsMet,
    testsNotMet: overrides.testsNotMet,
    bodies: [] as string[],
    organisations: [] as string[],
    delegation: undefined,
    placeBodies: [] as PlaceDecider[],
    findings: [] as DelegationFinding[],
    partnersReason: undefined,
  };
  const toPartners = (reason: PartnersReason, findings: DelegationFinding[] = []): Routing => ({
    ...base,
    rule: 'partners-own-boards',
    organisations: partnersOf(p, input.places, date),
    findings,
    partnersReason: reason,
  });

  if (overrides.reservedToPartners !== undefined) {
    return toPartners({ kind: 'reserved', reason: overrides.reservedToPartners.reason });
  }

  if (testsMet.length === 0) {
    const placeBodies: PlaceDecider[] = [];
    const without: string[] = [];
    for (const id of input.places) {
      const place = p.places.find((candidate) => candidate.id === id);
      const body =
        place === undefined || !inForceOn(place, date) ? undefined : placeDecisionBody(p, place, date);
      if (body === undefined) without.push(id);
      else placeBodies.push({ place: id, body });
    }
    if (without.length > 0) return toPartners({ kind: 'places-without-body', places: without });
    return {
      ...base,
      rule: input.places.length === 1 ? 'single-place' : 'each-place',
      bodies: [...new Set(placeBodies.map((decider) => decider.body))],
      placeBodies,
    };
  }

  const programme = input.programme;
  if (programme === undefined) return toPartners({ kind: 'no-programme' });
  // Only delegations to system-level bodies can take a matter the proposer says needs the whole partnership.
  const candidates = p.delegations.filter(
    (d) =>
      d.programmes?.includes(programme) === true &&
      p.bodies.find((b) => b.id === d.delegatedTo)?.level === 'system',
  );
  if (candidates.length === 0) return toPartners({ kind: 'no-delegation-covers-programme' });
  const findings = candidates.map((d) => judge(p, d, input, date));
  // Several may fit: the one listed first in delegations.yaml decides, so the partnership sets the order in its files.
  const chosen = findings.find((finding) => finding.verdict === 'within');
  if (chosen === undefined) return toPartners({ kind: 'no-delegation-fits' }, findings);
  return {
    ...base,
    rule: 'system-delegation',
    bodies: [chosen.body],
    delegation: chosen.delegation,
    findings,
  };
}
