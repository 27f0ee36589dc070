/**
 * @module outcomes/peer-review/views
 * What the pages and the CSV show of a peer review, on a given day: the subject and organisations named from the
 * partnership, every stage with its due date, the day it was done and whether it is late or overdue, the next thing
 * due, and the action plan with each item's current status and history. Pure: the same record, partnership and day
 * give the same view.
 */
import type { Partnership } from '../../partnership/index.js';
import {
  PROGRESS_REVIEW_MONTHS,
  REPORT_MONTHS,
  STAGES,
  STAGE_NAMES,
  progressOf,
  standing,
  type Stage,
  type Standing,
} from './due-dates.js';
import { ACTION_STATUS_NAMES, longDay, type ActionStatus, type Peer, type Subject } from './inputs.js';
import type { AuditAction, Person, ReviewRecord } from './repository.js';

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface PersonView {
  readonly name: string;
  readonly organisation: Named;
}

export interface SubjectView {
  readonly kind: Subject['kind'];
  readonly id: string | undefined;
  /** "The whole partnership", a place's name, a programme's name. */
  readonly name: string;
  /** "Partnership", "Place", "Programme". */
  readonly kindName: string;
  /** The partnership page about it. */
  readonly href: string;
}

export interface StageView {
  readonly stage: Stage;
  readonly name: string;
  /** The rule its due date comes from, in words. */
  readonly rule: string;
  readonly due: string;
  readonly doneOn: string | undefined;
  readonly standing: Standing;
  readonly daysPastDue: number;
  readonly summary: string | undefined;
  readonly link: string | undefined;
  readonly recordedBy: PersonView | undefined;
  readonly recordedAt: string | undefined;
  /** The current version's number (1 unless corrected) and, when corrected, why. */
  readonly version: number | undefined;
  readonly reason: string | undefined;
  /** The versions it replaced, oldest first: nothing is deleted. */
  readonly earlier: readonly {
    readonly version: number;
    readonly doneOn: string;
    readonly summary: string;
    readonly link: string | undefined;
    readonly recordedBy: PersonView;
    readonly recordedAt: string;
  }[];
}

/** An action's standing: a stage's, or dropped (no longer pursued, so never overdue). */
export type ActionStanding = Standing | 'dropped';

export interface ActionView {
  readonly id: number;
  readonly action: string;
  readonly owner: Named;
  readonly dueOn: string;
  readonly status: ActionStatus;
  readonly statusName: string;
  readonly standing: ActionStanding;
  readonly addedBy: PersonView;
  readonly addedAt: string;
  /** Every report, oldest first. */
  readonly progress: readonly {
    readonly status: ActionStatus;
    readonly statusName: string;
    readonly asOf: string;
    readonly note: string;
    readonly reportedBy: PersonView;
    readonly reportedAt: string;
  }[];
}

export interface HistoryEntry {
  readonly at: string;
  readonly actor: PersonView;
  readonly action: AuditAction;
  readonly text: string;
}

export interface ReviewView {
  readonly id: number;
  readonly title: string;
  readonly scope: string;
  readonly subject: SubjectView;
  readonly visitStart: string;
  readonly visitEnd: string;
  readonly actionPlanMonths: number;
  readonly peers: readonly Peer[];
  readonly startedBy: PersonView;
  readonly startedAt: string;
  readonly stages: readonly StageView[];
  /** The last stage done, in the order of stages (undefined before any is). */
  readonly reached: StageView | undefined;
  /** The next stage to do, when it is due and its standing; undefined once the progress review is done. */
  readonly next: StageView | undefined;
  readonly complete: boolean;
  readonly late: boolean;
  readonly overdue: boolean;
  readonly actions: readonly ActionView[];
  readonly actionCounts: {
    readonly total: number;
    readonly done: number;
    readonly overdue: number;
    readonly dropped: number;
  };
  readonly history: readonly HistoryEntry[];
}

const organisationNamed = (p: Partnership, id: string): Named => ({
  id,
  name: p.organisations.find((o) => o.id === id)?.name ?? id,
});

const personView = (p: Partnership, person: Person): PersonView => ({
  name: person.name,
  organisation: organisationNamed(p, person.organisation),
});

export function subjectView(p: Partnership, subject: Subject): SubjectView {
  switch (subject.kind) {
    case 'partnership':
      return {
        kind: 'partnership',
        id: undefined,
        name: 'The whole partnership',
        kindName: 'Partnership',
        href: '/',
      };
    case 'place':
      return {
        kind: 'place',
        id: subject.id,
        name: p.places.find((place) => place.id === subject.id)?.name ?? subject.id,
        kindName: 'Place',
        href: `/places/${subject.id}`,
      };
    case 'programme':
      return {
        kind: 'programme',
        id: subject.id,
        name: p.programmes.find((programme) => programme.id === subject.id)?.name ?? subject.id,
        kindName: 'Programme',
        href: '/programmes',
      };
  }
}

function stageRule(stage: Stage, actionPlanMonths: number, reportDone: boolean): string {
  const months = (n: number) => `${n} month${n === 1 ? '' : 's'}`;
  switch (stage) {
    case 'self-assessment':
      return 'Submitted before the on-site visit: due the day before its first day.';
    case 'visit':
      return 'Held on its planned days: due its last day.';
    case 'report':
      return `Within ${months(REPORT_MONTHS)} of the visit’s last day.`;
    case 'action-plan':
      return `Within ${months(actionPlanMonths)} of the report${reportDone ? '' : ' (counted from the report’s due date until it is published)'}.`;
    case 'progress-review':
      return `Within ${months(PROGRESS_REVIEW_MONTHS)} of the visit’s last day.`;
  }
}

const STAGE_NAME_LOWER = (stage: unknown): string =>
  typeof stage === 'string' && stage in STAGE_NAMES
    ? STAGE_NAMES[stage as Stage].toLowerCase()
    : String(stage);

const dayText = (value: unknown): string => (typeof value === 'string' ? longDay(value) : String(value));

function describe(action: AuditAction, detail: Readonly<Record<string, unknown>>): string {
  switch (action) {
    case 'review-started':
      return 'Started the review.';
    case 'stage-recorded':
      return `Recorded the ${STAGE_NAME_LOWER(detail.stage)} as done on ${dayText(detail.doneOn)}.`;
    case 'stage-corrected':
      return `Corrected the ${STAGE_NAME_LOWER(detail.stage)}: done on ${dayText(detail.doneOn)} (was ${dayText(detail.was)}).`;
    case 'action-added':
      return `Added action ${String(detail.actionId)} to the action plan, due ${dayText(detail.dueOn)}.`;
    case 'progress-reported':
      return `Reported action ${String(detail.actionId)} as ${ACTION_STATUS_NAMES[detail.status as ActionStatus].toLowerCase()} as of ${dayText(detail.asOf)}.`;
  }
}

/** An action's current status (not started until a report says otherwise) and its standing on `today`. */
export function actionStanding(
  dueOn: string,
  progress: readonly { status: ActionStatus; asOf: string }[],
  today: string,
): { status: ActionStatus; standing: ActionStanding } {
  const last = progress.at(-1);
  const status = last?.status ?? 'not-started';
  if (status === 'dropped') return { status, standing: 'dropped' };
  return { status, standing: standing(dueOn, status === 'done' ? last?.asOf : undefined, today) };
}

export function reviewView(record: ReviewRecord, p: Partnership, today: string): ReviewView {
  const done: Partial<Record<Stage, string>> = {};
  for (const s of record.stages) done[s.stage] = s.doneOn;
  const progress = progressOf(
    { visitStart: record.visitStart, visitEnd: record.visitEnd, actionPlanMonths: record.actionPlanMonths },
    done,
    today,
  );
  const stages = progress.stages.map((s): StageView => {
    const versions = record.stages.filter((r) => r.stage === s.stage);
    const stored = versions.at(-1);
    return {
      ...s,
      name: STAGE_NAMES[s.stage],
      rule: stageRule(s.stage, record.actionPlanMonths, done.report !== undefined),
      summary: stored?.summary,
      link: stored?.link,
      recordedBy: stored === undefined ? undefined : personView(p, stored.recordedBy),
      recordedAt: stored?.recordedAt.toISOString(),
      version: stored?.version,
      reason: stored?.reason,
      earlier: versions.slice(0, -1).map((v) => ({
        version: v.version,
        doneOn: v.doneOn,
        summary: v.summary,
        link: v.link,
        recordedBy: personView(p, v.recordedBy),
        recordedAt: v.recordedAt.toISOString(),
      })),
    };
  });
  const actions = record.actions.map((a): ActionView => {
    const now = actionStanding(a.dueOn, a.progress, today);
    return {
      id: a.id,
      action: a.action,
      owner: organisationNamed(p, a.ownerOrganisation),
      dueOn: a.dueOn,
      status: now.status,
      statusName: ACTION_STATUS_NAMES[now.status],
      standing: now.standing,
      addedBy: personView(p, a.addedBy),
      addedAt: a.addedAt.toISOString(),
      progress: a.progress.map((r) => ({
        status: r.status,
        statusName: ACTION_STATUS_NAMES[r.status],
        asOf: r.asOf,
        note: r.note,
        reportedBy: personView(p, r.reportedBy),
        reportedAt: r.reportedAt.toISOString(),
      })),
    };
  });
  return {
    id: record.id,
    title: record.title,
    scope: record.scope,
    subject: subjectView(p, record.subject),
    visitStart: record.visitStart,
    visitEnd: record.visitEnd,
    actionPlanMonths: record.actionPlanMonths,
    peers: record.peers,
    startedBy: personView(p, record.startedBy),
    startedAt: record.startedAt.toISOString(),
    stages,
    reached: stages.filter((s) => s.doneOn !== undefined).at(-1),
    next: stages.find((s) => s.doneOn === undefined),
    complete: progress.complete,
    late: progress.late,
    overdue: progress.overdue,
    actions,
    actionCounts: {
      total: actions.length,
      done: actions.filter((a) => a.status === 'done').length,
      overdue: actions.filter((a) => a.standing === 'overdue').length,
      dropped: actions.filter((a) => a.status === 'dropped').length,
    },
    history: record.audit.map((entry) => ({
      at: entry.at.toISOString(),
      actor: personView(p, entry.actor),
      action: entry.action,
      text: describe(entry.action, entry.detail),
    })),
  };
}

const CSV_HEADER = [
  'id',
  'title',
  'subject_kind',
  'subject_id',
  'subject',
  'visit_start',
  'visit_end',
  'peers',
  ...STAGES.flatMap((stage) => {
    const key = stage.replaceAll('-', '_');
    return [`${key}_due`, `${key}_done`, `${key}_standing`];
  }),
  'stage_reached',
  'next_stage',
  'next_due',
  'late',
  'overdue',
  'actions',
  'actions_done',
  'actions_overdue',
];

/**
 * One CSV field: quoted when it holds a comma, quote or line break; and a field a spreadsheet would read as a formula
 * (starting =, +, -, @, tab or carriage return) is prefixed with an apostrophe, since peers' names and titles are typed.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Every review as one CSV row (RFC 4180, CRLF), with its due dates and standings on `today`. */
export function reviewsCsv(views: readonly ReviewView[]): string {
  const rows = views.map((v) => [
    String(v.id),
    v.title,
    v.subject.kind,
    v.subject.id ?? '',
    v.subject.name,
    v.visitStart,
    v.visitEnd,
    v.peers.map((peer) => `${peer.name} (${peer.role}, ${peer.organisation})`).join('; '),
    ...v.stages.flatMap((s) => [s.due, s.doneOn ?? '', s.standing]),
    v.reached?.stage ?? '',
    v.next?.stage ?? '',
    v.next?.due ?? '',
    v.late ? 'yes' : 'no',
    v.overdue ? 'yes' : 'no',
    String(v.actionCounts.total),
    String(v.actionCounts.done),
    String(v.actionCounts.overdue),
  ]);
  return [CSV_HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
