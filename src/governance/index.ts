/**
 * @module governance
 * Governance by subsidiarity. So far: proposals routed by the partnership's own rule (its places' decision-making
 * bodies and its delegations, read from the partnership files), with the routing's rationale recorded, shown and
 * open to challenge by a member. Later: bodies and meetings, decisions, interests, questions and the registers.
 */
export {
  ProposalInput,
  TestClaim,
  checkProposal,
  zodIssues,
  TITLE_MAX,
  SUMMARY_MAX,
  EVIDENCE_MAX,
  TEST_EVIDENCE_MAX,
  type ClaimedTest,
  type ProposalContent,
} from './proposal.js';
export {
  RULES,
  routeProposal,
  placeDecisionBody,
  partnersOf,
  type RuleId,
  type Routing,
  type RoutingInput,
  type RoutingOverrides,
  type DelegationFinding,
  type PartnersReason,
} from './routing.js';
export { rationale, RULE_NAMES, listInWords, longDate } from './rationale.js';
export {
  ChallengeInput,
  ResolutionInput,
  WithdrawalInput,
  OUTCOMES,
  REASON_MAX,
  type Outcome,
} from './challenge.js';
export {
  DRAFTING_ROLES,
  CHALLENGING_ROLES,
  RESOLVING_ROLES,
  mayDraft,
  mayEdit,
  maySee,
  challengeRefusal,
  resolutionRefusal,
  withdrawalRefusal,
  type Actor,
  type ProposalFacts,
  type Refusal,
} from './permissions.js';
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditRecord,
  type ChallengeRecord,
  type Person,
  type ProposalRecord,
  type ProposalSummary,
  type ResolutionRecord,
  type RoutingRecord,
  type WithdrawalRecord,
} from './repository.js';
export {
  createDraft,
  editDraft,
  submitProposal,
  challengeRouting,
  resolveChallenge,
  withdrawProposal,
  getProposal,
  listSubmitted,
  listDrafts,
  factsOf,
  type GovernanceContext,
} from './workflow.js';
export {
  ProposalDocument,
  ProposalSummaryDocument,
  RoutingDocument,
  ChallengeDocument,
  proposalDocument,
  proposalSummaryDocument,
  describeAudit,
  type Named,
} from './views.js';
