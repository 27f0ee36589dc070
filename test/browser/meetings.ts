/**
 * Browser journey of issue 7's "done when": a proposal goes from draft through routing, a meeting in public and a
 * recorded decision into the public decision register and its Atom feed. Against a running demo: the demo officer
 * drafts a proposal for Calderdale that claims no test for collective action (so the place's Health and Wellbeing
 * Board decides it), schedules a meeting of that board for today, puts the proposal on its agenda, publishes a paper
 * (refused without the reason it is late, then flagged late), records who attended (the demo seeded the board's
 * members) and the decision; then an anonymous visitor finds the decision in the register and the feed. axe on every
 * form and page (with JavaScript); the same journey without JavaScript.
 *
 * Called by test/browser/run.ts: `await meetingChecks(browser, baseUrl, true, check)` (and `false`).
 */
import type { Browser, Page } from 'playwright-core';
import { axeViolations, formatViolations } from './axe.js';

const PASSWORD = process.env.BROWSER_PASSWORD ?? 'accord-demo';
const OFFICER = process.env.BROWSER_OFFICER ?? 'demo.officer';

const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

export async function meetingChecks(
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
  const title = `Calderdale evening carers’ café (${how}, ${Date.now()})`;
  try {
    await check(`a proposal goes from draft to a decision in the public register ${how}`, async () => {
      await page.goto(`${base}/sign-in`);
      await page.fill('#username', OFFICER);
      await page.fill('#password', PASSWORD);
      await submit(page, 'Sign in');

      // Draft and submit: no test for collective action, one place → its own board.
      await page.goto(`${base}/proposals/new`);
      await page.fill('#title', title);
      await page.fill('#summary', 'Open a carers’ café in the evenings (browser test).');
      await page.locator('input[name="places"][value="calderdale"]').check();
      await page.fill('#evidence', 'Carers asked for it (browser test).');
      await submit(page, 'Save draft');
      await submit(page, 'Submit for routing');
      const proposalId = /\/proposals\/(\d+)/.exec(page.url())?.[1];
      if (proposalId === undefined) return `no proposal page after submitting: ${page.url()}`;
      if (!(await page.locator('main').innerText()).includes('Calderdale Health and Wellbeing Board')) {
        problems.push('the proposal was not routed to the Calderdale Health and Wellbeing Board');
      }

      // Schedule today's meeting of the board.
      await page.goto(`${base}/meetings/new`);
      await axeCheck('the scheduling form');
      await page.selectOption('#body', 'calderdale-hwb');
      await page.fill('#date', londonToday());
      await page.fill('#time', '00:00');
      await page.fill('#location', 'Halifax Town Hall');
      await submit(page, 'Schedule the meeting');
      const meetingUrl = page.url().replace(/\?.*$/, '');
      if (!/\/meetings\/\d+$/.test(meetingUrl)) return `no meeting page after scheduling: ${page.url()}`;

      // The proposal on the agenda.
      await page.goto(`${meetingUrl}/record/item`);
      await axeCheck('the agenda item form');
      await page.fill('#title', title);
      await page.locator('input[name="purpose"][value="decision"]').check();
      await page.selectOption('#proposal', proposalId);
      await submit(page, 'Add the item');

      // A paper on the day is late: refused without the reason, then published, flagged.
      await page.goto(`${meetingUrl}/record/paper`);
      await page.fill('#title', 'The café: costs and hours');
      await page.fill('#summary', 'Two evenings a week at the library (browser test).');
      await submit(page, 'Publish the paper');
      if ((await page.locator('.nhsuk-error-summary').count()) === 0)
        problems.push('a late paper without its reason was not refused');
      if ((await page.inputValue('#title')) !== 'The café: costs and hours')
        problems.push('the paper’s title typed was not kept');
      await axeCheck('the paper form with its error');
      await page.fill('#lateReason', 'The library confirmed the rooms this morning.');
      await submit(page, 'Publish the paper');

      // The meeting: attendance, then the decision by consensus.
      await page.goto(`${meetingUrl}/record/attendance`);
      await axeCheck('the attendance form');
      for (const box of await page.locator('input[name="present"]').all()) await box.check();
      await submit(page, 'Record the attendance');
      await page.goto(`${meetingUrl}/record/decision`);
      await axeCheck('the decision form');
      await page.fill('#resolution', 'The board agreed to open an evening carers’ café.');
      await page.locator('input[name="method"][value="consensus"]').check();
      await submit(page, 'Record the decision');
      const shown = await page.locator('main').innerText();
      const reference = /Decision (CH-\d{4}-\d{3})/.exec(shown)?.[1];
      if (reference === undefined) return `no decision shown on ${page.url()}:\n${shown.slice(0, 2000)}`;
      if (!shown.includes('Why it is late: The library confirmed the rooms this morning.'))
        problems.push('the late paper is not flagged with its reason');
      if (!shown.includes('Quorate')) problems.push('the quorum is not shown');
      await axeCheck('the meeting page');

      // In public: the register and the feed, signed out.
      const visitor = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
      try {
        const publicPage = await visitor.newPage();
        await publicPage.goto(`${base}/decisions?q=${encodeURIComponent('evening carers café')}`);
        const register = await publicPage.locator('main').innerText();
        if (!register.includes(reference)) problems.push(`the register does not list ${reference}`);
        if (javaScriptEnabled) {
          const found = await axeViolations(publicPage);
          if (found.length > 0) problems.push(`the register: ${formatViolations(found)}`);
        }
        const feed = await publicPage.request.get(`${base}/decisions.atom`);
        const atom = await feed.text();
        if (!feed.headers()['content-type']?.includes('application/atom+xml'))
          problems.push('the feed is not Atom');
        if (!atom.includes(`/decisions/${reference}</id>`))
          problems.push(`the Atom feed has no entry for ${reference}`);
        await publicPage.goto(`${base}/decisions/${reference}`);
        if (!publicPage.url().includes(meetingUrl.replace(base, '')))
          problems.push(`/decisions/${reference} does not lead to its meeting`);
      } finally {
        await visitor.close();
      }
      return problems.length === 0 ? undefined : problems.join('\n');
    });
  } finally {
    await context.close();
  }
}
