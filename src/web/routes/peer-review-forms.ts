/**
 * @module web/routes/peer-review-forms
 * The peer review pages' forms, between what a browser posts and what the domain checks: form fields become the
 * domain's input (dates typed as day, month and year become YYYY-MM-DD), and the domain's issues become error
 * messages linked to the fields they are about. What the person typed is kept exactly, to be shown back with the
 * errors. A date that is not a date is an error of the form's own (the domain never sees it), and the rest of the
 * form is still checked, so every error shows at once.
 */
import type { Issue } from '../../core/problem.js';
import type {
  ActionInput,
  CorrectionInput,
  ProgressInput,
  ReviewInput,
  StageInput,
} from '../../outcomes/peer-review/index.js';
import { formText, type FormError } from './governance-forms.js';

/** How many peer rows the form offers (a team is usually three to six; blank rows are ignored). */
export const PEER_ROWS = 8;

/** A date as typed in the design system's date input: day, month and year boxes. */
export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

const dateParts = (body: unknown, name: string): DateParts => ({
  day: formText(body, `${name}[day]`),
  month: formText(body, `${name}[month]`),
  year: formText(body, `${name}[year]`),
});

const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

export const datePartsOf = (iso: string): DateParts => {
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
};

/**
 * The date typed, as YYYY-MM-DD: '' when every box is empty (the domain then says which date to enter), or the
 * form's own error when it is not a real date.
 */
export function dateOf(parts: DateParts, field: string, what: string): { value: string; error?: FormError } {
  const [d, m, y] = [parts.day.trim(), parts.month.trim(), parts.year.trim()];
  if (d === '' && m === '' && y === '') return { value: '' };
  const href = `#${field}-day`;
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
    return { value: '', error: { text: `${what} must be a real date, like 31 1 2025`, href } };
  }
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) {
    return { value: '', error: { text: `${what} must be a real date, like 31 1 2025`, href } };
  }
  return { value: iso };
}

// ------------------------------------------------------------------------------------------------------------------
// Starting a review

export interface PeerRow {
  readonly name: string;
  readonly role: string;
  readonly organisation: string;
}

export interface ReviewFormValues {
  /** 'partnership', 'place:<id>' or 'programme:<id>'. */
  readonly subject: string;
  readonly title: string;
  readonly scope: string;
  readonly visitStart: DateParts;
  readonly visitEnd: DateParts;
  readonly actionPlanMonths: string;
  readonly peers: readonly PeerRow[];
}

export const peerField = (row: number, part: keyof PeerRow): string => `peer-${row + 1}-${part}`;

export function reviewFormValues(body: unknown): ReviewFormValues {
  return {
    subject: formText(body, 'subject'),
    title: formText(body, 'title'),
    scope: formText(body, 'scope'),
    visitStart: dateParts(body, 'visitStart'),
    visitEnd: dateParts(body, 'visitEnd'),
    actionPlanMonths: formText(body, 'actionPlanMonths'),
    peers: Array.from({ length: PEER_ROWS }, (_, row) => ({
      name: formText(body, peerField(row, 'name')),
      role: formText(body, peerField(row, 'role')),
      organisation: formText(body, peerField(row, 'organisation')),
    })),
  };
}

export const emptyReviewForm = (actionPlanMonths: number): ReviewFormValues => ({
  subject: '',
  title: '',
  scope: '',
  visitStart: EMPTY_DATE,
  visitEnd: EMPTY_DATE,
  actionPlanMonths: String(actionPlanMonths),
  peers: Array.from({ length: PEER_ROWS }, () => ({ name: '', role: '', organisation: '' })),
});

/** The order of the review form's fields, as the error summary lists them. */
export const REVIEW_FIELD_ORDER = [
  'subject',
  'title',
  'scope',
  'visitStart-day',
  'visitEnd-day',
  'actionPlanMonths',
  ...Array.from({ length: PEER_ROWS }, (_, row) =>
    (['name', 'role', 'organisation'] as const).map((part) => peerField(row, part)),
  ).flat(),
];

export interface ReviewFormInput {
  readonly input: Partial<ReviewInput>;
  /** The form's own errors (dates that are not dates). */
  readonly errors: readonly FormError[];
  /** The form field an issue of the domain is about. */
  readonly fieldOf: (path: string | undefined) => string;
}

export function reviewInputOf(values: ReviewFormValues): ReviewFormInput {
  const [kind, ...rest] = values.subject.split(':');
  const start = dateOf(values.visitStart, 'visitStart', 'The first day of the visit');
  const end = dateOf(values.visitEnd, 'visitEnd', 'The last day of the visit');
  // Blank rows are not peers; the others go to the domain, remembering which row each came from.
  const rows = values.peers
    .map((peer, row) => ({ peer, row }))
    .filter(({ peer }) => `${peer.name}${peer.role}${peer.organisation}`.trim() !== '');
  const months = values.actionPlanMonths.trim();
  const input: Partial<ReviewInput> = {
    ...(kind === undefined || kind === '' ? {} : { subjectKind: kind as ReviewInput['subjectKind'] }),
    subjectId: rest.length === 0 ? null : rest.join(':'),
    title: values.title,
    scope: values.scope,
    visitStart: start.value,
    visitEnd: end.value,
    ...(months === '' ? {} : { actionPlanMonths: /^\d+$/.test(months) ? Number(months) : Number.NaN }),
    peers: rows.map(({ peer }) => peer),
  };
  const fieldOf = (path: string | undefined): string => {
    if (path === undefined || path === '') return 'title';
    const peer = /^peers\[(\d+)\]\.(name|role|organisation)$/.exec(path);
    if (peer?.[1] !== undefined && peer[2] !== undefined) {
      const row = rows[Number(peer[1])]?.row ?? 0;
      return peerField(row, peer[2] as keyof PeerRow);
    }
    if (path.startsWith('peers')) return peerField(rows[0]?.row ?? 0, 'name');
    if (path.startsWith('subject')) return 'subject';
    if (path === 'visitStart' || path === 'visitEnd') return `${path}-day`;
    return /^[a-zA-Z]+/.exec(path)?.[0] ?? 'title';
  };
  return { input, errors: [start.error, end.error].filter((e) => e !== undefined), fieldOf };
}

// ------------------------------------------------------------------------------------------------------------------
// Recording a stage

export interface StageFormValues {
  readonly doneOn: DateParts;
  readonly summary: string;
  readonly link: string;
  /** Corrections only: why. */
  readonly reason: string;
}

export const stageFormValues = (body: unknown): StageFormValues => ({
  doneOn: dateParts(body, 'doneOn'),
  summary: formText(body, 'summary'),
  link: formText(body, 'link'),
  reason: formText(body, 'reason'),
});

export const emptyStageForm: StageFormValues = { doneOn: EMPTY_DATE, summary: '', link: '', reason: '' };

/** The correction form filled in from the stage as recorded, to be changed. */
export const stageFormFrom = (stage: {
  doneOn: string;
  summary: string;
  link: string | undefined;
}): StageFormValues => ({
  doneOn: datePartsOf(stage.doneOn),
  summary: stage.summary,
  link: stage.link ?? '',
  reason: '',
});

export function correctionInputOf(
  stage: StageInput['stage'],
  values: StageFormValues,
): { input: CorrectionInput; errors: FormError[] } {
  const { input, errors } = stageInputOf(stage, values);
  return { input: { ...input, reason: values.reason }, errors };
}

export function stageInputOf(
  stage: StageInput['stage'],
  values: StageFormValues,
): { input: StageInput; errors: FormError[] } {
  const done = dateOf(values.doneOn, 'doneOn', 'The date');
  return {
    input: { stage, doneOn: done.value, summary: values.summary, link: values.link },
    errors: done.error === undefined ? [] : [done.error],
  };
}

export const stageFieldOf = (path: string | undefined): string =>
  path === 'doneOn' ? 'doneOn-day' : path === 'link' || path === 'reason' ? path : 'summary';

// ------------------------------------------------------------------------------------------------------------------
// Adding an action

export interface ActionFormValues {
  readonly action: string;
  readonly ownerOrganisation: string;
  readonly dueOn: DateParts;
}

export const actionFormValues = (body: unknown): ActionFormValues => ({
  action: formText(body, 'action'),
  ownerOrganisation: formText(body, 'ownerOrganisation'),
  dueOn: dateParts(body, 'dueOn'),
});

export const emptyActionForm: ActionFormValues = { action: '', ownerOrganisation: '', dueOn: EMPTY_DATE };

export function actionInputOf(values: ActionFormValues): { input: ActionInput; errors: FormError[] } {
  const due = dateOf(values.dueOn, 'dueOn', 'The due date');
  return {
    input: { action: values.action, ownerOrganisation: values.ownerOrganisation, dueOn: due.value },
    errors: due.error === undefined ? [] : [due.error],
  };
}

export const actionFieldOf = (path: string | undefined): string =>
  path === 'dueOn' ? 'dueOn-day' : path === 'ownerOrganisation' ? 'ownerOrganisation' : 'action';

// ------------------------------------------------------------------------------------------------------------------
// Reporting progress

export interface ProgressFormValues {
  readonly status: string;
  readonly asOf: DateParts;
  readonly note: string;
}

export const progressFormValues = (body: unknown): ProgressFormValues => ({
  status: formText(body, 'status'),
  asOf: dateParts(body, 'asOf'),
  note: formText(body, 'note'),
});

export const emptyProgressForm: ProgressFormValues = { status: '', asOf: EMPTY_DATE, note: '' };

export function progressInputOf(values: ProgressFormValues): {
  input: Partial<ProgressInput>;
  errors: FormError[];
} {
  const asOf = dateOf(values.asOf, 'asOf', 'The date');
  return {
    input: {
      ...(values.status === '' ? {} : { status: values.status as ProgressInput['status'] }),
      asOf: asOf.value,
      note: values.note,
    },
    errors: asOf.error === undefined ? [] : [asOf.error],
  };
}

export const progressFieldOf = (path: string | undefined): string =>
  path === 'asOf' ? 'asOf-day' : path === 'status' ? 'status' : 'note';

/**
 * The domain's issues as form errors, leaving out those about a field that already has an error of the form's own
 * (a date that is not a date reaches the domain empty, and "enter the date" would say the wrong thing).
 */
export function combinedErrors(
  own: readonly FormError[],
  issues: readonly Issue[],
  fieldOf: (path: string | undefined) => string,
): FormError[] {
  const taken = new Set(own.map((e) => e.href));
  const domain = issues
    .map((issue) => ({ text: issue.message, href: `#${fieldOf(issue.path)}` }))
    .filter((e) => !taken.has(e.href));
  return [...own, ...domain];
}
