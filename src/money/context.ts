/**
 * @module money/context
 * How each step on the books runs: for one partnership, by someone acting for an organisation, at a moment passed
 * in (never read from the clock here), inside one transaction that a refusal rolls back whole.
 */
import type { Database } from '../store/database.js';

export interface LedgerContext {
  readonly db: Database;
  /** The partnership whose books these are. */
  readonly partnershipId: string;
  /** This moment: when each change is recorded. */
  readonly now: Date;
}

/** Who is acting: a signed-in person and the organisation they act for. The records keep both. */
export interface Actor {
  readonly userId: string;
  readonly organisation: string;
}

export { inTransaction } from '../store/in-transaction.js';

/**
 * The role that keeps the books: posts, reverses, opens years and accounts, closes periods, and reads the journal
 * (whose entries name the people who posted them). The trial balance and the chart are public.
 */
export const LEDGER_ROLES = ['finance'] as const;
