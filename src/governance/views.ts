/**
 * @module governance/views
 * Proposals arranged for reading: every id named from the partnership (places, programme, tests, bodies, partners),
 * dates as ISO 8601 text, absent values as null. The JSON API returns these documents as they are and the pages
 * render them, so both show one answer; the zod schemas below are the API's response schemas (OpenAPI) and the
 * documents' types, so the documentation cannot drift from what is sent.
 */
import { z } from 'zod';
import type { Partnership } from '../partnership/index.js';
import { RULE_NAMES } from './rationale.js';
import type {
  AuditRecord,
  ChallengeRecord,
  Person,
  ProposalRecord,
  ProposalSummary,
  RoutingRecord,
} from './repository.js';
import { RULES } from './routing.js';

const Named = z.object({ id: z.string(), name: z.string() }).strict();
export type Named = z.infer<typeof Named>;

const PersonView = z
  .object({
    name: z.string(),
    /** The organisation they acted for at the time. */
    organisation: Named,
  })
  .strict();

const Timestamp = z.string().describe('ISO 8601 date and time');
const Day = z.string().describe('ISO 8601 date, YYYY-MM-DD');

export const RoutingDocument = z
  .object({
    version: z.number().int(),
    /** The version of the proposal that was routed. */
    proposalVersion: z.number().int(),
    proposalDate: Day.describe(
      "The proposal's date (the day it was submitted): delegations are judged on it",
    ),
    rule: z.enum(RULES),
    ruleName: z.string(),
    /** Bodies that decide (place and system rules). */
    bodies: z.array(Named),
    /** Partners that decide through their own boards (the partners rule). */
    organisations: z.array(Named),
    delegation: z.object({ id: z.string(), body: Named }).strict().nullable(),
    testsMet: z.array(Named),
    rationale: z.array(z.string()).describe('The recorded reasons, sentence by sentence'),
    findings: z
      .array(z.looseObject({ delegation: z.string(), body: z.string(), verdict: z.string() }))
      .describe('Every delegation to a system body covering the programme, and why it was or was not used'),
    partnershipLoadId: z.number().int().describe('The load of the partnership files the rule read'),
    decidedBy: PersonView,
    /** Why it was re-routed; null for the first routing. */
    reason: z.string().nullable(),
    /** The challenge whose resolution made this routing; null for the first. */
    challengeId: z.number().int().nullable(),
    recordedAt: Timestamp,
  })
  .strict();
export type RoutingDocument = z.infer<typeof RoutingDocument>;

export const ChallengeDocument = z
  .object({
    id: z.number().int(),
    routingVersion: z.number().int().describe('The routing challenged'),
    by: PersonView,
    reason: z.string(),
    raisedAt: Timestamp,
    status: z.enum(['open', 'upheld', 'dismissed']),
    resolution: z
      .object({
        outcome: z.enum(['upheld', 'dismissed']),
        reason: z.string(),
        by: PersonView,
        at: Timestamp,
        /** The routing it made, when upheld. */
        routingVersion: z.number().int().nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type ChallengeDocument = z.infer<typeof ChallengeDocument>;

export const ProposalDocument = z
  .object({
    id: z.number().int(),
    status: z.enum(['draft', 'submitted', 'withdrawn']),
    /** The version of the content; send it back to edit or submit a draft. */
    version: z.number().int(),
    title: z.string(),
    summary: z.string(),
    places: z.array(Named),
    programme: Named.nullable(),
    moneyPence: z.number().int().nullable(),
    evidence: z.string(),
    tests: z.array(z.object({ test: z.string(), name: z.string(), evidence: z.string() }).strict()),
    proposer: PersonView,
    createdAt: Timestamp,
    editedBy: PersonView,
    editedAt: Timestamp,
    submittedAt: Timestamp.nullable(),
    /** The current routing (null while a draft). */
    routing: RoutingDocument.nullable(),
    /** Every routing, oldest first. */
    routings: z.array(RoutingDocument),
    challenges: z.array(ChallengeDocument),
    /** Why, by whom and when its proposer withdrew it (null while it stands). */
    withdrawal: z.object({ reason: z.string(), by: PersonView, at: Timestamp }).strict().nullable(),
    /** Every change, with who and when. */
    history: z.array(
      z.object({ at: Timestamp, by: PersonView, action: z.string(), description: z.string() }).strict(),
    ),
  })
  .strict();
export type ProposalDocument = z.infer<typeof ProposalDocument>;

export const ProposalSummaryDocument = z
  .object({
    id: z.number().int(),
    status: z.enum(['draft', 'submitted', 'withdrawn']),
    version: z.number().int(),
    title: z.string(),
    places: z.array(Named),
    programme: Named.nullable(),
    proposer: PersonView,
    editedAt: Timestamp,
    submittedAt: Timestamp.nullable(),
    proposalDate: Day.nullable(),
    routing: z
      .object({
        version: z.number().int(),
        rule: z.enum(RULES),
        ruleName: z.string(),
        bodies: z.array(Named),
        organisations: z.array(Named),
      })
      .strict()
      .nullable(),
    openChallenges: z.number().int(),
  })
  .strict();
export type ProposalSummaryDocument = z.infer<typeof ProposalSummaryDocument>;

/** Names for the ids a proposal holds, from the partnership; an id no longer in it is shown as itself. */
class Names {
  constructor(private readonly p: Partnership) {}
  private static named(list: readonly { id: string; name: string }[], id: string): Named {
    return { id, name: list.find((x) => x.id === id)?.name ?? id };
  }
  place = (id: string) => Names.named(this.p.places, id);
  programme = (id: string) => Names.named(this.p.programmes, id);
  test = (id: string) => Names.named(this.p.tests, id);
  body = (id: string) => Names.named(this.p.bodies, id);
  organisation = (id: string) => Names.named(this.p.organisations, id);
  person = (person: Person) => ({ name: person.name, organisation: this.organisation(person.organisation) });
}

const iso = (date: Date) => date.toISOString();

function routingDocument(names: Names, p: Partnership, r: RoutingRecord): RoutingDocument {
  const delegation =
    r.delegation === undefined ? undefined : p.delegations.find((d) => d.id === r.delegation);
  return {
    version: r.version,
    proposalVersion: r.proposalVersion,
    proposalDate: r.proposalDate,
    rule: r.rule,
    ruleName: RULE_NAMES[r.rule],
    bodies: r.bodies.map(names.body),
    organisations: r.organisations.map(names.organisation),
    delegation:
      r.delegation === undefined
        ? null
        : { id: r.delegation, body: names.body(delegation?.delegatedTo ?? r.bodies[0] ?? '') },
    testsMet: r.testsMet.map(names.test),
    rationale: [...r.rationale],
    findings: r.findings.map((f) => ({ ...f })),
    partnershipLoadId: r.partnershipLoadId,
    decidedBy: names.person(r.decidedBy),
    reason: r.reason ?? null,
    challengeId: r.challengeId ?? null,
    recordedAt: iso(r.recordedAt),
  };
}

function challengeDocument(names: Names, c: ChallengeRecord): ChallengeDocument {
  return {
    id: c.id,
    routingVersion: c.routingVersion,
    by: names.person(c.challengedBy),
    reason: c.reason,
    raisedAt: iso(c.raisedAt),
    status: c.resolution?.outcome ?? 'open',
    resolution:
      c.resolution === undefined
        ? null
        : {
            outcome: c.resolution.outcome,
            reason: c.resolution.reason,
            by: names.person(c.resolution.resolvedBy),
            at: iso(c.resolution.resolvedAt),
            routingVersion: c.resolution.routingVersion ?? null,
          },
  };
}

const detailNumber = (detail: Readonly<Record<string, unknown>>, key: string) => {
  const value = detail[key];
  return typeof value === 'number' ? value : '?';
};

/** An audit entry in words. */
export function describeAudit(entry: AuditRecord): string {
  const d = entry.detail;
  switch (entry.action) {
    case 'proposal-drafted':
      return 'Drafted the proposal (version 1)';
    case 'proposal-edited':
      return `Edited the draft (version ${detailNumber(d, 'version')})`;
    case 'proposal-submitted':
      return 'Submitted the proposal, which was routed (routing 1)';
    case 'routing-challenged':
      return `Challenged routing ${detailNumber(d, 'routingVersion')} (challenge ${detailNumber(d, 'challengeId')})`;
    case 'challenge-dismissed':
      return `Dismissed challenge ${detailNumber(d, 'challengeId')}: the routing stands`;
    case 'challenge-upheld':
      return `Upheld challenge ${detailNumber(d, 'challengeId')}: re-routed (routing ${detailNumber(d, 'routingVersion')})`;
    case 'proposal-withdrawn':
      return 'Withdrew the proposal';
  }
}

export function proposalDocument(record: ProposalRecord, p: Partnership): ProposalDocument {
  const names = new Names(p);
  const routings = record.routings.map((r) => routingDocument(names, p, r));
  const first = record.routings[0];
  return {
    id: record.id,
    status: first === undefined ? 'draft' : record.withdrawal === undefined ? 'submitted' : 'withdrawn',
    version: record.version,
    title: record.content.title,
    summary: record.content.summary,
    places: record.content.places.map(names.place),
    programme: record.content.programme === undefined ? null : names.programme(record.content.programme),
    moneyPence: record.content.moneyPence ?? null,
    evidence: record.content.evidence,
    tests: record.content.tests.map((t) => ({
      test: t.test,
      name: names.test(t.test).name,
      evidence: t.evidence,
    })),
    proposer: names.person(record.proposer),
    createdAt: iso(record.createdAt),
    editedBy: names.person(record.editedBy),
    editedAt: iso(record.editedAt),
    submittedAt: first === undefined ? null : iso(first.recordedAt),
    routing: routings.at(-1) ?? null,
    routings,
    challenges: record.challenges.map((c) => challengeDocument(names, c)),
    withdrawal:
      record.withdrawal === undefined
        ? null
        : {
            reason: record.withdrawal.reason,
            by: names.person(record.withdrawal.withdrawnBy),
            at: iso(record.withdrawal.withdrawnAt),
          },
    history: record.audit.map((a) => ({
      at: iso(a.at),
      by: names.person(a.actor),
      action: a.action,
      description: describeAudit(a),
    })),
  };
}

export function proposalSummaryDocument(summary: ProposalSummary, p: Partnership): ProposalSummaryDocument {
  const names = new Names(p);
  const r = summary.routing;
  return {
    id: summary.id,
    status: r === undefined ? 'draft' : summary.withdrawn ? 'withdrawn' : 'submitted',
    version: summary.version,
    title: summary.title,
    places: summary.places.map(names.place),
    programme: summary.programme === undefined ? null : names.programme(summary.programme),
    proposer: names.person(summary.proposer),
    editedAt: iso(summary.editedAt),
    submittedAt: r === undefined ? null : iso(r.submittedAt),
    proposalDate: r?.proposalDate ?? null,
    routing:
      r === undefined
        ? null
        : {
            version: r.version,
            rule: r.rule,
            ruleName: RULE_NAMES[r.rule],
            bodies: r.bodies.map(names.body),
            organisations: r.organisations.map(names.organisation),
          },
    openChallenges: r?.openChallenges ?? 0,
  };
}
