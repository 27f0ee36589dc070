/**
 * @module web/routes/ledger-forms
 * The journal entry form, between what a browser posts and what the ledger checks. A finance officer writes an
 * entry as accountants do — each line an account with a debit or a credit in pounds — and the ledger takes signed
 * pence (debit positive, credit negative). This module turns one into the other, and the ledger's issues (paths like
 * `lines[2].amountPence`) back into errors beside the row the person typed, which is not the same index when blank
 * rows were left between. Pure: no I/O.
 */
import { parsePounds } from '../../core/money.js';
import type { Issue } from '../../core/problem.js';

/** How many line rows the form offers; without JavaScript a form cannot add rows, so it offers enough. */
export const FORM_ROWS = 8;

export const rowField = (row: number, part: 'account' | 'debit' | 'credit' | 'memo'): string =>
  `line${row}-${part}`;

/** Every field of the form, in order, for the error summary. */
export const ENTRY_FIELDS: readonly string[] = [
  'date',
  'description',
  'reason',
  'lines',
  ...Array.from({ length: FORM_ROWS }, (_, i) =>
    (['account', 'debit', 'credit', 'memo'] as const).map((part) => rowField(i + 1, part)),
  ).flat(),
];

export interface EntryFormInput {
  /** What the ledger's `postEntry` takes. */
  readonly input: {
    readonly date: string;
    readonly description: string;
    readonly reason: string;
    readonly lines: readonly { account: string; amountPence: number; memo?: string }[];
  };
  /** The form row (1-based) each of `input.lines` came from. */
  readonly rowOf: readonly number[];
  /** Problems found in the rows themselves (an amount that is not one, a debit and a credit both), by field. */
  readonly issues: readonly Issue[];
}

/** Reads the posted rows: blank rows are skipped; each other row needs an account and one of debit or credit. */
export function entryFromForm(values: Readonly<Record<string, string>>): EntryFormInput {
  const lines: { account: string; amountPence: number; memo?: string }[] = [];
  const rowOf: number[] = [];
  const issues: Issue[] = [];
  for (let row = 1; row <= FORM_ROWS; row += 1) {
    const account = (values[rowField(row, 'account')] ?? '').trim();
    const debit = (values[rowField(row, 'debit')] ?? '').trim();
    const credit = (values[rowField(row, 'credit')] ?? '').trim();
    const memo = (values[rowField(row, 'memo')] ?? '').trim();
    if (account === '' && debit === '' && credit === '' && memo === '') continue;
    const at = (part: 'account' | 'debit' | 'credit' | 'memo', message: string) =>
      issues.push({ path: rowField(row, part), message: `Line ${row}: ${message}` });
    if (account === '') at('account', 'choose the account');
    if (debit !== '' && credit !== '') {
      at('credit', 'enter a debit or a credit, not both: use two lines');
      continue;
    }
    if (debit === '' && credit === '') {
      at('debit', 'enter the amount as a debit or as a credit');
      continue;
    }
    const side = debit === '' ? 'credit' : 'debit';
    const amount = parsePounds(side === 'debit' ? debit : credit);
    if (!amount.ok) {
      at(side, `${amount.error} (the column says whether it is a debit or a credit)`);
      continue;
    }
    if (amount.value === 0) {
      at(side, 'the amount must not be zero: leave the line out instead');
      continue;
    }
    if (account === '') continue;
    lines.push({
      account,
      amountPence: side === 'debit' ? amount.value : -amount.value,
      ...(memo === '' ? {} : { memo }),
    });
    rowOf.push(row);
  }
  return {
    input: {
      date: (values.date ?? '').trim(),
      description: values.description ?? '',
      reason: values.reason ?? '',
      lines,
    },
    rowOf,
    issues,
  };
}

/**
 * The form field a ledger issue is about: `lines[2].amountPence` is the debit or credit of the row the third line
 * came from; `lines` (too few lines, not balanced) is the lines as a whole.
 */
export function entryFieldOf(
  path: string | undefined,
  form: Pick<EntryFormInput, 'input' | 'rowOf'>,
): string {
  if (path === undefined || path === '') return 'lines';
  if (path.startsWith('line') && path.includes('-')) return path; // already a row's field
  const line = /^lines\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (line !== null) {
    const index = Number(line[1]);
    const row = form.rowOf[index];
    if (row === undefined) return 'lines';
    const part = line[2];
    if (part === 'account') return rowField(row, 'account');
    if (part === 'memo') return rowField(row, 'memo');
    const amount = form.input.lines[index]?.amountPence ?? 0;
    return rowField(row, amount < 0 ? 'credit' : 'debit');
  }
  const field = /^[a-zA-Z]+/.exec(path)?.[0] ?? 'lines';
  return ['date', 'description', 'reason'].includes(field) ? field : 'lines';
}
