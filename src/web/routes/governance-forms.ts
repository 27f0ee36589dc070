/**
 * @module web/routes/governance-forms
 * The proposal pages' forms, between what a browser posts and what the domain checks: form fields become the same
 * input the JSON API takes (so one set of checks serves both), and the domain's issues become error messages linked
 * to the fields they are about. What the person typed is kept exactly, to be shown back with the errors.
 */
import { parsePounds, penceAsPoundsText } from '../../core/money.js';
import type { Issue } from '../../core/problem.js';
import type { ProposalInput, ProposalRecord, ResolutionInput } from '../../governance/index.js';

/** A text field as posted ('' when absent); a repeated field (checkboxes) arrives as a list. */
export const formText = (body: unknown, name: string): string => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : '';
};
/** A field's values as posted: ticked boxes arrive as one string or several; empty ones are dropped. */
export const formList = (body: unknown, name: string): string[] => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
};

/** The id of the evidence box of a test, in the proposal form. */
export const testEvidenceField = (test: string): string => `evidence-${test}`;

/** What the proposal form holds, as typed. */
export interface ProposalFormValues {
  readonly title: string;
  readonly summary: string;
  readonly places: readonly string[];
  readonly programme: string;
  readonly money: string;
  readonly evidence: string;
  readonly tests: readonly string[];
  readonly testEvidence: Readonly<Record<string, string>>;
  readonly version: string;
}

/** An error shown on a form: the message and the id of the field it is about. */
export interface FormError {
  readonly text: string;
  readonly href: string;
}

export function proposalFormValues(body: unknown, testIds: readonly string[]): ProposalFormValues {
  return {
    title: formText(body, 'title'),
    summary: formText(body, 'summary'),
    places: formList(body, 'places'),
    programme: formText(body, 'programme'),
    money: formText(body, 'money'),
    evidence: formText(body, 'evidence'),
    tests: formList(body, 'tests'),
    testEvidence: Object.fromEntries(testIds.map((id) => [id, formText(body, testEvidenceField(id))])),
    version: formText(body, 'version'),
  };
}

/** The form filled in from a saved draft, for editing. */
export function proposalFormFromRecord(record: ProposalRecord): ProposalFormValues {
  const c = record.content;
  return {
    title: c.title,
    summary: c.summary,
    places: c.places,
    programme: c.programme ?? '',
    money: c.moneyPence === undefined ? '' : penceAsPoundsText(c.moneyPence),
    evidence: c.evidence,
    tests: c.tests.map((t) => t.test),
    testEvidence: Object.fromEntries(c.tests.map((t) => [t.test, t.evidence])),
    version: String(record.version),
  };
}

/**
 * The form as the domain's input. Money is typed in pounds; when it is not an amount, that is an error of its own
 * (the domain never sees it) and the rest of the form is still checked, so every error shows at once.
 */
export function proposalInputOf(values: ProposalFormValues): {
  input: ProposalInput;
  moneyError?: FormError;
} {
  const money = values.money.trim() === '' ? undefined : parsePounds(values.money);
  return {
    input: {
      title: values.title,
      summary: values.summary,
      places: [...values.places],
      programme: values.programme === '' ? null : values.programme,
      moneyPence: money?.ok === true ? money.value : null,
      evidence: values.evidence,
      tests: values.tests.map((test) => ({ test, evidence: values.testEvidence[test] ?? '' })),
    },
    ...(money?.ok === false ? { moneyError: { text: money.error, href: '#money' } } : {}),
  };
}

/** The form field an issue of the domain is about: `tests[1].evidence` is the evidence box of the second test. */
export function proposalFieldOf(path: string | undefined, input: ProposalInput): string {
  if (path === undefined || path === '') return 'title';
  const testEvidence = /^tests\[(\d+)\]\.evidence$/.exec(path);
  if (testEvidence?.[1] !== undefined) {
    const claim = input.tests?.[Number(testEvidence[1])];
    return claim === undefined ? 'tests' : testEvidenceField(claim.test);
  }
  const field = /^[a-zA-Z]+/.exec(path)?.[0] ?? 'title';
  return field === 'moneyPence' ? 'money' : field;
}

/** Issues as form errors, each linked to its field. */
export function formErrors(
  issues: readonly Issue[],
  fieldOf: (path: string | undefined) => string,
): FormError[] {
  return issues.map((issue) => ({ text: issue.message, href: `#${fieldOf(issue.path)}` }));
}

/** Errors in the order of the form's fields (`order`: field ids), as the error summary lists them. */
export function inFieldOrder(errors: readonly FormError[], order: readonly string[]): FormError[] {
  const rank = (href: string) => {
    const index = order.indexOf(href.slice(1));
    return index === -1 ? order.length : index;
  };
  return [...errors].sort((a, b) => rank(a.href) - rank(b.href));
}

/** The first error for each field, by field id: what the form shows beside the field. */
export function errorsByField(errors: readonly FormError[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const error of errors) byField[error.href.slice(1)] ??= error.text;
  return byField;
}

/** What the resolution form holds, as typed. */
export interface ResolutionFormValues {
  readonly outcome: string;
  readonly reason: string;
  readonly testsNotMet: readonly string[];
  readonly reservedToPartners: boolean;
}

export function resolutionFormValues(body: unknown): ResolutionFormValues {
  return {
    outcome: formText(body, 'outcome'),
    reason: formText(body, 'reason'),
    testsNotMet: formList(body, 'testsNotMet'),
    reservedToPartners: formText(body, 'reservedToPartners') === 'yes',
  };
}

/**
 * The resolution form as the domain's input. Without JavaScript every option of the form is visible, so ticks left
 * under "upheld" when "dismissed" is chosen are dropped rather than refused: dismissing changes nothing anyway.
 */
export function resolutionInputOf(values: ResolutionFormValues): Partial<ResolutionInput> {
  const upheld = values.outcome === 'upheld';
  return {
    // An outcome left unchosen is sent as absent, so the domain's "choose an outcome" message is the one shown.
    ...(values.outcome === '' ? {} : { outcome: values.outcome as ResolutionInput['outcome'] }),
    reason: values.reason,
    testsNotMet: upheld ? [...values.testsNotMet] : [],
    reservedToPartners: upheld && values.reservedToPartners,
  };
}
