/**
 * @module outcomes/peer-review
 * Peer review on the local government model (issue 7; docs/peer-review.md): a place, a programme or the whole
 * partnership reviewed by peers from outside it — self-assessment, on-site visit, report within 3 months, action
 * plan, progress review within 12 months — with due dates computed by one pure rule (`due-dates.ts`), never typed,
 * and the action plan's items with their status reported over time. Append-only records with an audit of every
 * change (migrations/0014_peer_review.sql). Domain code: no web, CLI, Fastify or driver imports.
 */
export {
  STAGES,
  STAGE_NAMES,
  REPORT_MONTHS,
  PROGRESS_REVIEW_MONTHS,
  DEFAULT_ACTION_PLAN_MONTHS,
  ACTION_PLAN_MONTHS_MIN,
  ACTION_PLAN_MONTHS_MAX,
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  dueDates,
  isIsoDay,
  progressOf,
  standing,
  type Progress,
  type Schedule,
  type Stage,
  type StageTimeline,
  type Standing,
} from './due-dates.js';
export {
  ACTION_STATUSES,
  ACTION_STATUS_NAMES,
  ActionInput,
  PEERS_MAX,
  PeerInput,
  ProgressInput,
  ReviewInput,
  SUBJECT_KINDS,
  StageInput,
  VISIT_DAYS_MAX,
  checkAction,
  checkCorrection,
  CorrectionInput,
  REASON_MAX,
  checkProgress,
  checkReview,
  checkStage,
  type ActionContent,
  type CorrectionContent,
  type ActionStatus,
  type ProgressContent,
  type StageContent,
  type Peer,
  type ReviewContent,
  type Subject,
  type SubjectKind,
} from './inputs.js';
export { RECORDING_ROLES, mayRecord, type Actor } from './permissions.js';
export {
  AUDIT_ACTIONS,
  type ActionRecord,
  type AuditAction,
  type AuditRecord,
  type Person,
  type ProgressRecord,
  type ReviewRecord,
  type StageRecord,
} from './repository.js';
export {
  PREREQUISITE,
  addAction,
  correctStage,
  correctionProblem,
  getReview,
  listReviews,
  recordStage,
  reportProgress,
  stageProblem,
  startReview,
  type PeerReviewContext,
} from './workflow.js';
export {
  actionStanding,
  reviewView,
  reviewsCsv,
  subjectView,
  type ActionStanding,
  type ActionView,
  type Named,
  type ReviewView,
  type StageView,
  type SubjectView,
} from './views.js';
