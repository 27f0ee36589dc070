/**
 * @module cli/demo-budget
 * The demo's collective budget: for each place, spending accounts by category (acute, mental health, primary care,
 * social care), this financial year's budget set from a CSV file through the real workflow, and the months so far
 * posted to the ledger as actuals a few per cent either side of budget (a fixed pattern, so the demo is the same
 * every time); and a pooled budget (`ensureDemoPool`). The amounts are invented for the demo, and say so.
 */
import type { Database } from '../store/database.js';
import type { Partnership } from '../partnership/index.js';
import { londonDay } from '../partnership/views.js';
import { periodOfDate, postEntry } from '../money/index.js';
import { demoBooks } from './demo-books.js';
import { readBudget, setBudget } from '../money/budget-store.js';
import { chargePool, contribute, createPool, readPools } from '../money/pool-store.js';

const CATEGORIES = [
  { id: 'acute', name: 'acute hospital care', share: 0.5 },
  { id: 'mental-health', name: 'mental health', share: 0.14 },
  { id: 'primary-care', name: 'primary care', share: 0.16 },
  { id: 'social-care', name: 'adult social care', share: 0.2 },
] as const;

/** Annual spending per place, in pounds: invented for the demo, in proportion to the places' sizes. */
const PER_PLACE_POUNDS = 200_000_000;

/** A month's actual as a share of its budget: a fixed pattern a few per cent either side. */
const drift = (placeIndex: number, categoryIndex: number, month: number) =>
  1 + (((placeIndex * 7 + categoryIndex * 3 + month * 5) % 13) - 5) / 100;

export async function ensureDemoBudget(
  db: Database,
  partnership: Partnership,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const partnershipId = partnership.info.id;
  const today = periodOfDate(londonDay(now));
  const year = today.financialYear;
  if ((await readBudget(db, partnershipId, year)) !== undefined) {
    log('demo: budget kept from an earlier start');
    return;
  }
  const { books, actor, must, openYear, openAccounts } = await demoBooks(db, partnershipId, now, 'budget');
  await openYear(year);
  const code = (place: string, category: string) => `EXP-${place}-${category}`.toUpperCase().slice(0, 40);
  await openAccounts([{ code: 'CASH', name: 'Cash at bank (demo)', kind: 'asset' }]);
  const rows = ['account,period,amount'];
  await openAccounts(
    partnership.places.flatMap((place) =>
      CATEGORIES.map((category) => ({
        code: code(place.id, category.id),
        name: `${place.name}: ${category.name} (demo)`,
        kind: 'expenditure',
        place: place.id,
        category: category.id,
      })),
    ),
  );
  for (const place of partnership.places) {
    for (const category of CATEGORIES) {
      const monthly = Math.round((PER_PLACE_POUNDS * category.share) / 12);
      for (let month = 1; month <= 12; month += 1)
        rows.push(`${code(place.id, category.id)},${month},${monthly}`);
    }
  }
  must(
    'the budget',
    await setBudget(
      books,
      actor,
      year,
      `${rows.join('\n')}\n`,
      'The demo’s budget for the year (invented amounts)',
    ),
  );
  // Actuals for the months already closed: one entry a place a month, paid from cash.
  for (let month = 1; month < today.period; month += 1) {
    const calendarMonth = ((month + 2) % 12) + 1;
    const calendarYear = month <= 9 ? year : year + 1;
    const date = `${calendarYear}-${String(calendarMonth).padStart(2, '0')}-28`;
    for (const [p, place] of partnership.places.entries()) {
      const lines = CATEGORIES.map((category, c) => ({
        account: code(place.id, category.id),
        amountPence: Math.round(((PER_PLACE_POUNDS * category.share) / 12) * drift(p, c, month)) * 100,
      }));
      const total = lines.reduce((sum, l) => sum + l.amountPence, 0);
      must(
        `the actuals of ${date}`,
        await postEntry(books, actor, {
          date,
          description: `${place.name}: the month's spending (demo)`,
          reason: 'Invented actuals for the demo',
          lines: [...lines, { account: 'CASH', amountPence: -total }],
        }),
      );
    }
  }
  log(
    `demo: this year's budget for ${partnership.places.length} places, with ${today.period - 1} months of actuals`,
  );
}

/**
 * The demo's pooled budget: Calderdale's Better Care Fund for the year (invented amounts), hosted by the council with
 * the integrated care board, shared in proportion to contributions; the quarters' contributions so far and the
 * months' spending, a little over plan.
 */
export async function ensureDemoPool(
  db: Database,
  partnership: Partnership,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const partnershipId = partnership.info.id;
  if ((await readPools(db, partnershipId)).length > 0) {
    log('demo: pooled budget kept from an earlier start');
    return;
  }
  const council = partnership.organisations.find((o) => o.id === 'calderdale-council');
  const icb = partnership.organisations.find((o) => o.id === 'west-yorkshire-icb');
  if (council === undefined || icb === undefined) {
    log('demo: no pooled budget (the partnership has not Calderdale’s council and integrated care board)');
    return;
  }
  const { books, actor, must, openYear, openAccounts } = await demoBooks(db, partnershipId, now, 'pool');
  const today = periodOfDate(londonDay(now));
  const year = today.financialYear;
  await openYear(year);
  await openAccounts([
    { code: 'POOL-CAL-CASH', name: 'Calderdale Better Care Fund: cash held (demo)', kind: 'asset' },
    {
      code: 'POOL-CAL-FUND',
      name: 'Calderdale Better Care Fund: partners’ contributions (demo)',
      kind: 'liability',
    },
    {
      code: 'POOL-CAL-SPEND',
      name: 'Calderdale Better Care Fund: spending (demo)',
      kind: 'expenditure',
      place: 'calderdale',
      category: 'social-care',
    },
  ]);
  const pool = must(
    'the pool',
    await createPool(books, actor, {
      name: `Calderdale Better Care Fund ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
      financialYear: year,
      scope:
        'Community health and social care that helps people stay well at home and leave hospital on time (demo).',
      host: council.id,
      manager: 'Director of Adult Services and Wellbeing (demo)',
      rule: 'in-proportion',
      partners: [
        { organisation: council.id, plannedPence: 1_200_000_000 },
        { organisation: icb.id, plannedPence: 2_800_000_000 },
      ],
      cashAccount: 'POOL-CAL-CASH',
      spendAccount: 'POOL-CAL-SPEND',
      fundAccount: 'POOL-CAL-FUND',
    }),
  );
  const dateOf = (month: number) =>
    `${month <= 9 ? year : year + 1}-${String(((month + 2) % 12) + 1).padStart(2, '0')}-28`;
  for (let month = 1; month < today.period; month += 1) {
    if (month % 3 === 1) {
      for (const [organisation, quarter] of [
        [council.id, 300_000_000],
        [icb.id, 700_000_000],
      ] as const) {
        must(
          'a contribution',
          await contribute(books, actor, pool.id, {
            organisation,
            amountPence: quarter,
            date: dateOf(month),
          }),
        );
      }
    }
    must(
      'a charge',
      await chargePool(books, actor, pool.id, {
        description: 'The month’s care packages and community services (demo)',
        amountPence: Math.round((4_000_000_000 / 12) * (1 + (month % 4) / 100)),
        date: dateOf(month),
      }),
    );
  }
  log(`demo: a pooled budget (Calderdale Better Care Fund) with ${today.period - 1} months of spending`);
}
