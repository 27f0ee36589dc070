/**
 * @module outcomes
 * Shared outcomes and mutual accountability (issue 7, item 4; docs/outcomes.md): the partnership's outcomes and
 * programme milestones (partnership data), milestones' progress reported and verified by officers (append-only, in
 * the store), and each outcome's status — on track, at risk, off track, not measured — computed and explained, as of
 * any day, with its history.
 */
export { trajectoryPoints, trajectoryValue } from './trajectory.js';
export {
  addMonths,
  lateness,
  latenessText,
  progressAsOf,
  type Lateness,
  type MilestoneDecision,
  type MilestoneProgress,
  type MilestoneReport,
  type Person,
  type ProgressState,
} from './progress.js';
export {
  formatValue,
  statusAsOf,
  statusHistory,
  yearKnownBy,
  STATUSES,
  STATUS_LABELS,
  type Assessment,
  type HistoryEntry,
  type IndicatorFinding,
  type MeasureSeries,
  type MilestoneFinding,
  type Observation,
  type OutcomeStatus,
  type StatusInput,
} from './status.js';
export { checkIndicators, planOf, statusInputs, type OutcomesPlan } from './plan.js';
export {
  REPORTING_ROLES,
  VERIFYING_ROLES,
  decisionRefusal,
  reportRefusal,
  type Actor,
  type Refusal,
} from './permissions.js';
export {
  checkReport,
  decideReport,
  reportMilestone,
  DecisionInput,
  ReportInput,
  EVIDENCE_MAX,
  REASON_MAX,
  type OutcomesContext,
} from './workflow.js';
export { listReports, milestoneAudit, type AuditRecord } from './repository.js';
