/**
 * Browser journey of issue 8's "done when", against a running demo, as the demo's finance officer: the ledger's
 * trial balance balances; a journal entry that does not balance is refused with the error summary, then a balanced
 * one is posted and reversed from its page; the release of the cancer fund's second tranche is refused until its
 * milestone is verified (the demo's first tranche shows released under the board's decision); the capital fund is
 * shown apart; a pooled budget's spending is charged through its form; and the fund, pool, account and budget forms
 * render. axe on every form and page (with JavaScript); the same journey without JavaScript.
 *
 * Called by test/browser/run.ts: `await moneyChecks(browser, baseUrl, true, check)` (and `false`).
 */
import type { Browser, Page } from 'playwright-core';
import { axeViolations, formatViolations } from './axe.js';

const PASSWORD = process.env.BROWSER_PASSWORD ?? 'accord-demo';
const FINANCE = process.env.BROWSER_FINANCE ?? 'demo.finance';

const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

export async function moneyChecks(
  browser: Browser,
  baseUrl: string,
  javaScriptEnabled: boolean,
  check: (name: string, run: () => Promise<string | undefined>) => Promise<void>,
): Promise<void> {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const base = baseUrl.replace(/\/$/, '');
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const axeCheck = async (what: string) => {
    if (!javaScriptEnabled) return;
    const found = await axeViolations(page);
    if (found.length > 0) problems.push(`${what}: ${formatViolations(found)}`);
  };
  const submit = async (p: Page, name: string) => {
    await p.getByRole('button', { name, exact: true }).click();
    await p.waitForLoadState('load');
  };
  const main = () => page.locator('main').innerText();
  const visit = async (path: string, what: string) => {
    const response = await page.goto(`${base}${path}`);
    if (response?.status() !== 200)
      problems.push(`${what} (${path}): status ${response?.status() ?? 'none'}`);
    await axeCheck(what);
  };

  try {
    await check(
      `a finance officer keeps the books, releases against milestones and charges a pool ${how}`,
      async () => {
        await page.goto(`${base}/sign-in`);
        await page.fill('#username', FINANCE);
        await page.fill('#password', PASSWORD);
        await submit(page, 'Sign in');

        // The trial balance balances.
        await visit('/money/ledger', 'the ledger');
        if (!(await main()).includes('the books balance'))
          problems.push('the ledger does not say the books balance');

        // A journal entry that does not balance is refused; a balanced one is posted, then reversed.
        const account = 'EXP-CALDERDALE-ACUTE';
        const description = `Browser test invoice (${how}, ${Date.now()})`;
        await visit('/money/journal/new', 'the journal entry form');
        await page.fill('#date', londonToday());
        await page.fill('#description', description);
        await page.fill('#reason', 'Posted by the browser test');
        await page.selectOption('#line1-account', account);
        await page.fill('#line1-debit', '1,250.00');
        await page.selectOption('#line2-account', 'CASH');
        await page.fill('#line2-credit', '1,000');
        await submit(page, 'Post the entry');
        if (!(await page.locator('.nhsuk-error-summary').innerText()).includes('do not balance')) {
          problems.push('an unbalanced entry was not refused with the error summary');
        }
        await axeCheck('the refused journal entry form');
        await page.fill('#line2-credit', '1,250');
        await submit(page, 'Post the entry');
        const entryUrl = page.url().replace(/\?.*$/, '');
        if (!/\/money\/journal\/\d+$/.test(entryUrl)) return `no entry page after posting: ${page.url()}`;
        await axeCheck('the journal entry');
        await page.getByRole('link', { name: 'Reverse this entry' }).click();
        await page.waitForLoadState('load');
        await axeCheck('the reversal form');
        await page.fill('#reason', 'Posted twice (browser test)');
        await submit(page, 'Reverse the entry');
        if (!(await main()).includes(`Reversal of entry ${entryUrl.split('/').at(-1) ?? ''}`)) {
          problems.push('the reversal does not name the entry it reverses');
        }
        await visit('/money/journal', 'the journal');
        if (!(await main()).includes(description))
          problems.push('the journal does not list the entry posted');

        // Transformation funding: the second tranche waits for its milestone; capital is shown apart.
        await visit('/money/transformation', 'the transformation fund tracker');
        const tracker = await main();
        if (!tracker.includes('Capital funding'))
          problems.push('the tracker does not show capital funding apart');
        if (!/decision PB-\d{4}-\d{3}/.test(tracker)) problems.push('the demo’s first release is not shown');
        await page.getByRole('link', { name: /^Release a tranche of Cancer transformation fund/ }).click();
        await page.waitForLoadState('load');
        await axeCheck('the release form');
        await page.selectOption('#tranche', '2');
        await page.fill('#amount', '100,000');
        // Any agreed decision of the board: the milestone alone must refuse the release.
        const decisions: string[] = [];
        for (const option of await page.locator('#decision option').all()) {
          const value = (await option.getAttribute('value')) ?? '';
          if (value !== '') decisions.push(value);
        }
        if (decisions[0] !== undefined) await page.selectOption('#decision', decisions[0]);
        await page.fill('#reason', 'Too early (browser test)');
        await submit(page, 'Release');
        if (!(await main()).includes('is not verified')) {
          problems.push('a release before its milestone is verified was not refused');
        }
        await visit('/money/transformation/new', 'the fund set-up form');

        // A pooled budget's spending, charged through its form.
        await visit('/money/pools', 'the pooled budgets');
        await page
          .getByRole('link', { name: /^Charge spending/ })
          .first()
          .click();
        await page.waitForLoadState('load');
        await axeCheck('the charge form');
        await page.fill('#description', 'Reablement packages (browser test)');
        await page.fill('#amount', '2,500');
        await submit(page, 'Charge the spending');
        if (!(await main()).includes('charged to the pool')) problems.push('the charge was not confirmed');

        await visit('/money/pools/new', 'the pool set-up form');
        await visit('/money/accounts/new', 'the account form');
        await visit('/money/budget/new', 'the budget form');
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
  } finally {
    await context.close();
  }
}
