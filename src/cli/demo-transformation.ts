/**
 * @module cli/demo-transformation
 * The demo's transformation funding, made once through the real workflow after the demo's governance and milestones:
 * the financial year opened, three ledger accounts (the fund held, the funding received, the cancer programme's
 * transformation spending), the national allocation received, a cancer transformation fund of two tranches, and the
 * first tranche released — its milestone (lung health checks extended) verified by the demo's officers, and the
 * Partnership Board's decision agreeing the release in the register. The second tranche waits for its milestone.
 * The amounts are invented for the demo, and say so.
 */
import {
  periodOfDate,
  openAccount,
  openFinancialYear,
  postEntry,
  readChart,
  readPeriods,
} from '../money/index.js';
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

export async function ensureDemoTransformation(
  db: Database,
  partnership: Partnership,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const partnershipId = partnership.info.id;
  if ((await listFunds(db, partnershipId)).length > 0) {
    log('demo: transformation funding kept from an earlier start');
    return;
  }
  const wanted = ['lung-health-checks-extended', 'rapid-diagnostic-centres-open'];
  if (!wanted.every((id) => partnership.milestones?.some((m) => m.id === id))) {
    log('demo: no transformation fund (the partnership has not the cancer milestones it is tied to)');
    return;
  }
  const [user] = await db.query<{ id: string; organisation_id: string }>(
    "SELECT id, organisation_id FROM app_user WHERE username = 'demo.finance'",
  );
  if (user === undefined) throw new Error('demo transformation: the demo finance officer is not seeded');
  const actor = { userId: user.id, organisation: user.organisation_id, roles: ['finance' as const] };
  const today = londonDay(now);
  const books = { db, partnershipId, now };
  const must = <T>(what: string, result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
    if (!result.ok) throw new Error(`demo transformation: ${what} refused: ${JSON.stringify(result.error)}`);
    return result.value;
  };

  const year = periodOfDate(today).financialYear;
  if ((await readPeriods(db, partnershipId, year)).length === 0)
    must('the financial year', await openFinancialYear(books, actor, year));
  const chart = await readChart(db, partnershipId);
  for (const account of ACCOUNTS) {
    if (!chart.some((a) => a.code === account.code))
      must(`account ${account.code}`, await openAccount(books, actor, account));
  }
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
}
