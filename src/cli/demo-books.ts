/**
 * @module cli/demo-books
 * What every part of the demo's money starts from: the demo finance officer acting on the partnership's books, a
 * refusal turned into a failed start that says what was refused (the demo's data is meant to be valid, so a
 * refusal is a bug to see at once), the year opened and the accounts the part needs opened — each only when missing,
 * so a second start changes nothing.
 */
import {
  openAccount,
  openFinancialYear,
  readChart,
  readPeriods,
  type LedgerContext,
} from '../money/index.js';
import type { Database } from '../store/database.js';

/** An account as `openAccount` takes it; checked there. */
export interface DemoAccount {
  readonly code: string;
  readonly [field: string]: unknown;
}

export interface DemoBooks {
  readonly books: LedgerContext;
  readonly actor: { readonly userId: string; readonly organisation: string; readonly roles: ['finance'] };
  /** The value of a step that must succeed; a refusal throws, naming the part and the step. */
  readonly must: <T>(what: string, result: { ok: true; value: T } | { ok: false; error: unknown }) => T;
  /** Opens the financial year unless it is open. */
  readonly openYear: (year: number) => Promise<void>;
  /** Opens each account the chart does not have yet (each as `openAccount` takes it). */
  readonly openAccounts: (accounts: readonly DemoAccount[]) => Promise<void>;
}

export async function demoBooks(
  db: Database,
  partnershipId: string,
  now: Date,
  part: string,
): Promise<DemoBooks> {
  const [user] = await db.query<{ id: string; organisation_id: string }>(
    "SELECT id, organisation_id FROM app_user WHERE username = 'demo.finance'",
  );
  if (user === undefined) throw new Error(`demo ${part}: the demo finance officer is not seeded`);
  const actor = { userId: user.id, organisation: user.organisation_id, roles: ['finance'] as ['finance'] };
  const books = { db, partnershipId, now };
  const must = <T>(what: string, result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
    if (!result.ok) throw new Error(`demo ${part}: ${what} refused: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  return {
    books,
    actor,
    must,
    openYear: async (year) => {
      if ((await readPeriods(db, partnershipId, year)).length === 0)
        must('the year', await openFinancialYear(books, actor, year));
    },
    openAccounts: async (accounts) => {
      const chart = await readChart(db, partnershipId);
      for (const account of accounts) {
        if (!chart.some((a) => a.code === account.code))
          must(`account ${account.code}`, await openAccount(books, actor, account));
      }
    },
  };
}
