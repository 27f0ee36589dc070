/**
 * Browser journey of carers' plans (issue 9; docs/record.md, "Carers' plans"), against a running demo: the demo
 * clinician opens, from the demo's examples on /record, the record of a person the trust cares for whose carer has
 * plans (cli/demo-record.ts `ensureDemoCarerPlans`), and sees the carer's contingency plan and support plan there;
 * then the carer — the demo's member of the public, `demo.patient` — sees that look in "who has looked at my record",
 * as a look at their contingency plan, without the person they care for being named. Every page passes axe (with
 * JavaScript), has one h1, and works without JavaScript.
 *
 * Called by test/browser/run.ts: `await carerPlanChecks(browser, baseUrl, true, check)` (and `false`).
 */
import { axeViolations, formatViolations } from './axe.js';
import type { Browser } from 'playwright-core';

const PASSWORD = process.env.BROWSER_PASSWORD ?? 'accord-demo';
const CLINICIAN = 'demo.clinician';
const CARER = 'demo.patient';

export async function carerPlanChecks(
  browser: Browser,
  baseUrl: string,
  javaScriptEnabled: boolean,
  check: (name: string, run: () => Promise<string | undefined>) => Promise<void>,
): Promise<void> {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const base = baseUrl.replace(/\/$/, '');
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const signIn = async (username: string) => {
    await context.clearCookies();
    await page.goto(`${base}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
  };
  const main = () => page.locator('main').innerText();
  const problems: string[] = [];
  const axeCheck = async (what: string) => {
    if (!javaScriptEnabled) return;
    const found = await axeViolations(page);
    if (found.length > 0) problems.push(`${what}:\n${formatViolations(found)}`);
  };
  /** The name at the top of the cared-for person's record, to make sure the carer's log never shows it. */
  let caredForName: string | undefined;
  try {
    await check(
      `a care team sees a carer's contingency plan on the record of the person cared for ${how}`,
      async () => {
        problems.length = 0;
        await signIn(CLINICIAN);
        await page.goto(`${base}/record`);
        await axeCheck('the search, with the examples');
        const example = page.locator('main a[data-carer-plan-example]').first();
        if ((await example.count()) === 0) {
          return 'the record search offers no example of a person whose carer has plans (has the demo written them?)';
        }
        await example.click();
        await page.waitForLoadState('load');
        if ((await page.locator('h1').count()) !== 1) problems.push('the record page has not exactly one h1');
        caredForName = (await page.locator('h1').innerText()).trim();
        const shown = await main();
        if (!/Why you can see this record: (?!Emergency access)/.test(shown)) {
          problems.push(`the clinician sees the record by no relationship: ${shown.slice(0, 300)}`);
        }
        if ((await page.getByRole('heading', { name: 'Carer’s plans', level: 2 }).count()) !== 1) {
          problems.push('no "Carer’s plans" section');
        }
        for (const expected of [
          'Carer’s contingency plan',
          'Contingency plan: if',
          'named backup carer',
          'emergency carer support line',
          'Carer’s support plan',
        ]) {
          if (!shown.includes(expected)) problems.push(`the record does not show "${expected}"`);
        }
        await axeCheck('the record with the carer’s plans');
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
    await check(`the carer sees that look at their contingency plan in their access log ${how}`, async () => {
      problems.length = 0;
      await signIn(CARER);
      await page.goto(`${base}/my-record`);
      const shown = await main();
      if (!shown.includes('Read your contingency plan as a carer')) {
        problems.push(`${CARER}'s log does not list the look at their contingency plan`);
      }
      if (!shown.includes('The care of the person you look after')) problems.push('the log does not say why');
      if (caredForName !== undefined && caredForName !== '' && shown.includes(caredForName)) {
        problems.push('the carer’s log names the person cared for');
      }
      await axeCheck('who has looked, with the carer’s plan');
      return problems.length === 0 ? undefined : problems.join('\n');
    });
  } finally {
    await context.close();
  }
}
