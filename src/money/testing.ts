/**
 * @module money/testing
 * Books for tests: the fictional Riverside partnership loaded, a finance officer, a small chart of accounts across
 * its organisations, places, programmes and categories, and financial year 2025/26 open. Used by the ledger's
 * database and property tests.
 */
import { join } from 'node:path';
import { createUser } from '../access/index.js';
import { packageRoot } from '../core/paths.js';
import { loadPartnership, syncPartnership } from '../partnership/index.js';
import type { Database } from '../store/database.js';
import { openAccount, openFinancialYear } from './books.js';
import type { NewAccount } from './chart.js';
import type { Actor, LedgerContext } from './context.js';

export const RIVERSIDE = 'riverside';

export const TEST_CHART: readonly NewAccount[] = [
  { code: '1000', name: 'Cash at bank', kind: 'asset', organisation: 'riverside-icb' },
  { code: '2000', name: 'Payables', kind: 'liability', organisation: 'riverside-icb' },
  { code: '3000', name: 'General reserve', kind: 'equity' },
  { code: '4000', name: 'Allocation received', kind: 'income', organisation: 'riverside-icb' },
  {
    code: '5100',
    name: 'Acute services, North Bank',
    kind: 'expenditure',
    organisation: 'riverside-hospitals',
    place: 'north-bank',
    category: 'acute',
  },
  {
    code: '5200',
    name: 'Mental health services, South Bank',
    kind: 'expenditure',
    organisation: 'riverside-minds',
    place: 'south-bank',
    category: 'mental-health',
  },
  {
    code: '5300',
    name: 'Stroke programme',
    kind: 'expenditure',
    organisation: 'riverside-hospitals',
    programme: 'stroke',
    category: 'acute',
  },
  {
    code: '5400',
    name: 'Frailty, North Bank',
    kind: 'expenditure',
    organisation: 'north-bank-council',
    place: 'north-bank',
    programme: 'north-bank-frailty',
    category: 'community',
  },
];

export interface TestBooks {
  readonly actor: Actor;
  /** A context at `now`. */
  readonly at: (now: Date) => LedgerContext;
}

/** Loads Riverside, adds a finance officer, opens the test chart and the given financial years. */
export async function setUpBooks(
  db: Database,
  financialYears: readonly number[] = [2025],
): Promise<TestBooks> {
  const folder = join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside');
  const loaded = loadPartnership(folder);
  if (!loaded.ok) throw new Error('the riverside fixture does not load');
  await syncPartnership(db, loaded.value, folder);
  const user = await createUser(db, {
    username: 'finance.officer',
    displayName: 'Finance Officer',
    organisation: 'riverside-icb',
    roles: ['officer'],
    oidcSubject: 'https://idp.example#finance.officer',
  });
  if (!user.ok) throw new Error(user.error.title);
  const actor: Actor = { userId: user.value.id, organisation: 'riverside-icb' };
  const at = (now: Date): LedgerContext => ({ db, partnershipId: RIVERSIDE, now });
  const setup = at(new Date('2025-04-01T09:00:00Z'));
  for (const account of TEST_CHART) {
    const opened = await openAccount(setup, actor, account);
    if (!opened.ok) throw new Error(opened.error.title);
  }
  for (const year of financialYears) {
    const opened = await openFinancialYear(setup, actor, year);
    if (!opened.ok) throw new Error(opened.error.title);
  }
  return { actor, at };
}
