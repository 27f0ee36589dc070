/**
 * @module cli/demo-transformation
 * The demo's transformation funding, made once through the real workflow after the demo's governance and milestones:
 * the financial year opened, three ledger accounts (the fund held, the funding received, the cancer programme's
 * transformation spending), the national allocation received, a cancer transformation fund of two tranches, and the
 * first tranche released — its milestone (lung health checks extended) verified by the demo's officers, and the
 * Partnership Board's decision agreeing the release in the register. The second tranche waits for its milestone.
 * Beside it, a capital fund for the rapid diagnostic centres' equipment and fit-out (received as public dividend
 * capital, spent to the centres' assets under construction), both tranches waiting for the centres to be verified
 * open. The amounts are invented for the demo, and say so.
 */
import { periodOfDate, postEntry } from '../money/index.js';
import { demoBooks } from './demo-books.js';
import { createFund, listFunds, releaseTranche } from '../money/transformation/index.js';
import { searchDecisions } from '../governance/meetings/index.js';
import type { Partnership } from '../partnership/index.js';
import { londonDay } from '../partnership/views.js';
import type { Database } from '../store/database.js';

const ACCOUNTS = [
  { code: 'TF-HELD', name: 'Transformation fund held (demo)', kind: 'asset' },
  { code: 'TF-INCOME', name: 'Transformation funding received (demo)', kind: 'income' },
  {
    code: 'TF-CANCER',
    name: 'Cancer programme transformation (demo)',
    kind: 'expenditure',
    programme: 'cancer',
  },
] as const;

const CAPITAL_ACCOUNTS = [
  { code: 'CAP-HELD', name: 'Capital allocation held (demo)', kind: 'asset' },
  { code: 'CAP-PDC', name: 'Public dividend capital received (demo)', kind: 'equity' },
  {
    code: 'CAP-RDC-AUC',
    name: 'Rapid diagnostic centres: assets under construction (demo)',
    kind: 'asset',
    programme: 'cancer',
  },
] as const;

export async function ensureDemoTransformation(
  db: Database,
  partnership: Partnership,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const partnershipId = partnership.info.id;
  const funds = await listFunds(db, partnershipId);
  if (funds.length > 0) {
    log('demo: transformation funding kept from an earlier start');
    if (!funds.some((f) => f.funding === 'capital')) await ensureDemoCapital(db, partnership, now, log);
    return;
  }
  const wanted = ['lung-health-checks-extended', 'rapid-diagnostic-centres-open'];
  if (!wanted.every((id) => partnership.milestones?.some((m) => m.id === id))) {
    log('demo: no transformation fund (the partnership has not the cancer milestones it is tied to)');
    return;
  }
  const today = londonDay(now);
  const year = periodOfDate(today).financialYear;
  const { books, actor, must, openYear, openAccounts } = await demoBooks(
    db,
    partnershipId,
    now,
    'transformation',
  );
  await openYear(year);
  await openAccounts(ACCOUNTS);
  must(
    'the allocation',
    await postEntry(books, actor, {
      date: `${year}-04-01`,
      description: 'Cancer transformation funding received (demo)',
      reason: 'The year’s national transformation allocation for cancer (an invented amount)',
      lines: [
        { account: 'TF-HELD', amountPence: 200_000_000 },
        { account: 'TF-INCOME', amountPence: -200_000_000 },
      ],
    }),
  );
  const fund = must(
    'the fund',
    await createFund(books, actor, {
      name: `Cancer transformation fund ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
      programme: 'cancer',
      source: 'National cancer transformation allocation (an invented amount, for the demo)',
      releaseBody: 'partnership-board',
      fundAccount: 'TF-HELD',
      spendAccount: 'TF-CANCER',
      tranches: [
        {
          amountPence: 120_000_000,
          description: 'Lung health checks in every place',
          milestones: ['lung-health-checks-extended'],
        },
        {
          amountPence: 80_000_000,
          description: 'Rapid diagnostic centres',
          milestones: ['rapid-diagnostic-centres-open'],
        },
      ],
    }),
  );
  const [decision] = (
    await searchDecisions(db, partnershipId, {
      body: 'partnership-board',
      text: 'cancer transformation fund',
    })
  ).filter((d) => d.outcome === 'agreed');
  if (decision === undefined) {
    log('demo: a cancer transformation fund set up; no Partnership Board decision to release it yet');
    await ensureDemoCapital(db, partnership, now, log);
    return;
  }
  must(
    'the first release',
    await releaseTranche({ ...books, today }, actor, fund.id, {
      tranche: 1,
      amountPence: 120_000_000,
      decision: decision.reference,
      releasedOn: today,
      reason: 'Lung health checks are extended to every place, as verified',
    }),
  );
  log(`demo: a cancer transformation fund of two tranches, the first released under ${decision.reference}`);
  await ensureDemoCapital(db, partnership, now, log);
}

/** The demo's capital fund: received as public dividend capital, both tranches waiting for their milestone. */
async function ensureDemoCapital(
  db: Database,
  partnership: Partnership,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const { books, actor, must, openAccounts } = await demoBooks(db, partnership.info.id, now, 'capital');
  const year = periodOfDate(londonDay(now)).financialYear;
  await openAccounts(CAPITAL_ACCOUNTS);
  must(
    'the capital allocation',
    await postEntry(books, actor, {
      date: `${year}-04-01`,
      description: 'Capital allocation for the rapid diagnostic centres received (demo)',
      reason: 'The year’s national capital allocation, as public dividend capital (an invented amount)',
      lines: [
        { account: 'CAP-HELD', amountPence: 1_500_000_000 },
        { account: 'CAP-PDC', amountPence: -1_500_000_000 },
      ],
    }),
  );
  must(
    'the capital fund',
    await createFund(books, actor, {
      name: `Rapid diagnostic centres capital ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
      funding: 'capital',
      programme: 'cancer',
      source: 'National diagnostics capital allocation (an invented amount, for the demo)',
      releaseBody: 'partnership-board',
      fundAccount: 'CAP-HELD',
      spendAccount: 'CAP-RDC-AUC',
      tranches: [
        {
          amountPence: 900_000_000,
          description: 'Imaging equipment for the centres',
          milestones: ['rapid-diagnostic-centres-open'],
        },
        {
          amountPence: 600_000_000,
          description: 'Fit-out of the centres’ clinical rooms',
          milestones: ['rapid-diagnostic-centres-open'],
        },
      ],
    }),
  );
  log('demo: a capital fund for the rapid diagnostic centres, both tranches waiting for the centres to open');
}
