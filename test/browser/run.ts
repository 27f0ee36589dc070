/**
 * Browser tests against a running Accord: every public page renders in Chromium with no console errors, has no
 * axe-core WCAG 2.x A/AA violations, and works with JavaScript turned off; a demo user can sign in and out; and an
 * officer can draft and submit a proposal through its forms, with and without JavaScript, and take it through a
 * meeting in public to the decision register (meetings.ts); a finance officer keeps the books, is refused a release
 * before its milestone is verified and charges a pooled budget (money.ts); a registration officer works the
 * record-matching review queue (the demo loads one place's partners into the index); and a clinician opens their
 * organisation's case-finding list, highest risk first.
 *
 * Not run by `npm test` (it needs a server and Chromium); .ci/run starts a server and runs:
 *   node --import tsx test/browser/run.ts --base-url http://localhost:3999
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium), BROWSER_USER / BROWSER_PASSWORD (default the demo's
 * board member, demo.board / accord-demo, from src/access/demo-users.ts), BROWSER_OFFICER (default demo.officer,
 * who drafts proposals, with the same password), SCREENSHOT_DIR (optional: saves a
 * full-page PNG of each page there, for a person to look at).
 *
 * Prints one line per check (`ok - …` / `not ok - …`), then `N passed, N failed`; exits 1 if any check failed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { axeViolations, formatViolations } from './axe.js';
import { carerPlanChecks } from './carer-plans.js';
import { meetingChecks } from './meetings.js';
import { moneyChecks } from './money.js';

const { values } = parseArgs({
  options: { 'base-url': { type: 'string', default: 'http://localhost:3999' } },
});
const baseUrl = values['base-url'].replace(/\/$/, '');
const user = process.env.BROWSER_USER ?? 'demo.board';
const password = process.env.BROWSER_PASSWORD ?? 'accord-demo';
/** Drafts proposals; BROWSER_OFFICER, with BROWSER_PASSWORD (default the demo's officer). */
const officer = process.env.BROWSER_OFFICER ?? 'demo.officer';
/** Works the record-matching review queue (National RBAC R8008); BROWSER_REGISTRAR, with BROWSER_PASSWORD. */
const registrar = process.env.BROWSER_REGISTRAR ?? 'demo.support';
const screenshotDir = process.env.SCREENSHOT_DIR;

let passed = 0;
let failed = 0;
function report(ok: boolean, name: string, detail?: string) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (!ok && detail !== undefined) console.log(detail.replace(/^/gm, '  # '));
}
async function check(name: string, run: () => Promise<string | undefined>) {
  try {
    const problem = await run();
    report(problem === undefined, name, problem);
  } catch (error) {
    report(false, name, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/**
 * Fonts a page asked for from another origin, which the CSP (font-src 'self') blocks: nhsuk-frontend's compiled CSS
 * names the Frutiger font on assets.nhs.uk. Reported once for the whole run, not as a failure of every page.
 */
const blockedFonts = new Set<string>();
const isBlockedFont = (text: string) => /Loading the font|\.woff2?\b/.test(text);

/** Opens a page, collecting console errors and failed requests while it loads. */
async function open(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  const add = (text: string) => {
    if (isBlockedFont(text)) blockedFonts.add(text.replace(/^.*?(https?:\/\/\S+?\.woff2?).*$/s, '$1'));
    else errors.push(text);
  };
  page.on('console', (message) => {
    if (message.type() === 'error') add(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    add(`page error: ${error.message}`);
  });
  page.on('requestfailed', (request) => {
    add(`request failed: ${request.url()}`);
  });
  const response = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' });
  return { page, response, errors };
}

/** The public pages, plus detail pages found by following the first link of each list. */
async function publicPaths(context: BrowserContext): Promise<string[]> {
  const paths = [
    '/',
    '/places',
    '/partners',
    '/partners?as-of=2020-01-01',
    '/programmes',
    '/bodies',
    '/bodies?as-of=2020-01-01',
    '/delegations',
    '/mou',
    '/proposals',
    '/meetings',
    '/decisions',
    '/interests',
    '/bodies/partnership-board/members',
    '/outcomes',
    '/outcomes/oversight',
    '/milestones',
    '/peer-reviews',
    '/reports/annual',
    `/reports/annual/${new Date().getFullYear()}`,
    '/sources',
    '/about',
    '/accessibility',
    '/sign-in',
    '/carers',
    '/population/segments',
    '/population/risk-model',
    '/workforce',
    '/money/fair-shares',
    '/money/transformation',
    '/money/budget',
    '/money/pools',
    '/money/ledger',
    '/money/accounts',
  ];
  const page = await context.newPage();
  for (const [list, prefix] of [
    ['/places', '/places/'],
    ['/partners', '/partners/'],
    ['/bodies', '/bodies/'],
    ['/proposals', '/proposals/'],
    ['/meetings', '/meetings/'],
    ['/outcomes', '/outcomes/'],
    ['/peer-reviews', '/peer-reviews/'],
    ['/carers', '/carers/places/'],
    ['/workforce', '/workforce/places/'],
  ] as const) {
    await page.goto(`${baseUrl}${list}`);
    const hrefs: string[] = [];
    for (const link of await page.locator(`main a[href^="${prefix}"]`).all()) {
      hrefs.push((await link.getAttribute('href')) ?? '');
    }
    // The first and the last: on /partners that is a current organisation and an ended one.
    for (const href of new Set([hrefs[0], hrefs.at(-1)])) if (href) paths.push(href);
  }
  await page.close();
  return paths;
}

const slug = (path: string) => path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';

async function pageChecks(browser: Browser, paths: string[]) {
  const withJs = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const withoutJs = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 1280, height: 900 },
  });
  if (screenshotDir !== undefined) mkdirSync(screenshotDir, { recursive: true });
  for (const path of paths) {
    // One load with JavaScript serves two checks: the page rendered, and axe on what it rendered (a second load
    // for axe alone took a third of the browser run).
    let axeProblem: string | undefined = 'the page did not load';
    await check(`${path} renders (200, one h1, no console errors)`, async () => {
      const { page, response, errors } = await open(withJs, path);
      try {
        const status = response?.status();
        const h1 = await page.locator('h1').count();
        if (screenshotDir !== undefined) {
          await page.screenshot({ path: join(screenshotDir, `${slug(path)}.png`), fullPage: true });
        }
        try {
          const violations = await axeViolations(page);
          axeProblem = violations.length === 0 ? undefined : formatViolations(violations);
        } catch (error) {
          axeProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
        }
        const problems = [
          ...(status === 200 ? [] : [`status ${status ?? 'none'}`]),
          ...(h1 === 1 ? [] : [`${h1} h1 elements`]),
          ...errors,
        ];
        return problems.length === 0 ? undefined : problems.join('\n');
      } finally {
        await page.close();
      }
    });
    await check(`${path} has no axe WCAG 2.2 A/AA violations`, async () => axeProblem);
    await check(`${path} works with JavaScript turned off`, async () => {
      const { page, response } = await open(withoutJs, path);
      try {
        const status = response?.status();
        const h1 = (await page.locator('h1').first().textContent())?.trim() ?? '';
        // Navigation must be reachable without the design system's script (the header's menu is progressive).
        const navLinks = await page.locator('header a[href="/places"]').count();
        const problems = [
          ...(status === 200 ? [] : [`status ${status ?? 'none'}`]),
          ...(h1 === '' ? ['no h1 text'] : []),
          ...(navLinks > 0 ? [] : ['no link to /places in the header']),
        ];
        return problems.length === 0 ? undefined : problems.join('\n');
      } finally {
        await page.close();
      }
    });
  }
  await withJs.close();
  await withoutJs.close();
}

async function signInChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  try {
    await check(`sign-in as ${user} ${how} lands on a page showing the user's name`, async () => {
      await page.goto(`${baseUrl}/sign-in`);
      await page.fill('#username', user);
      await page.fill('#password', password);
      // click() waits for the navigation the form submission starts; then for the page it lands on to load.
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForLoadState('load');
      const me = await page.request.get(`${baseUrl}/api/me`);
      if (me.status() !== 200)
        return `after signing in, /api/me answered ${me.status()} (still at ${page.url()})`;
      const { displayName } = (await me.json()) as { displayName?: string };
      if (displayName === undefined) return '/api/me names no displayName';
      const shown = await page.locator('body').innerText();
      return shown.includes(displayName)
        ? undefined
        : `landed on ${page.url()}, which does not show "${displayName}"`;
    });
    await check(`sign-out ${how}`, async () => {
      await page.goto(`${baseUrl}/sign-out`);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForLoadState('load');
      const me = await page.request.get(`${baseUrl}/api/me`);
      const text = await page.locator('h1').innerText();
      const problems = [
        ...(me.status() === 401 ? [] : [`after signing out, /api/me answered ${me.status()}`]),
        ...(/signed out/i.test(text) ? [] : [`the page's heading is "${text}"`]),
      ];
      return problems.length === 0 ? undefined : problems.join('\n');
    });
  } finally {
    await context.close();
  }
}

/**
 * Proposals through their forms, as people use them: an officer drafts one (first leaving out what is required, to see
 * the errors and that what was typed is kept), submits it and sees its routing and reasons. The form pages must also
 * pass axe. Run with and without JavaScript: the forms must work without it.
 */
async function proposalChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await check(`an officer drafts and submits a proposal ${how}, and sees its routing`, async () => {
      await page.goto(`${baseUrl}/sign-in`);
      await page.fill('#username', officer);
      await page.fill('#password', password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForLoadState('load');
      await page.goto(`${baseUrl}/proposals/new`);
      const problems: string[] = [];
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the form: ${formatViolations(violations)}`);
      }
      const title = `Browser test proposal ${how}`;
      await page.fill('#title', title);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForLoadState('load');
      if ((await page.locator('.nhsuk-error-summary').count()) === 0) problems.push('no error summary');
      if ((await page.inputValue('#title')) !== title) problems.push('the title typed was not kept');
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the form with errors: ${formatViolations(violations)}`);
      }
      await page.fill('#summary', 'Checked by the browser tests.');
      await page.locator('input[name="places"]').first().check();
      await page.fill('#evidence', 'None: a test.');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForLoadState('load');
      await page.getByRole('button', { name: 'Submit for routing' }).click();
      await page.waitForLoadState('load');
      const shown = await page.locator('main').innerText();
      if (!shown.includes('Where it goes, and why')) problems.push(`no routing shown at ${page.url()}`);
      if (!shown.includes('Rule: ')) problems.push('no rationale shown');
      return problems.length === 0 ? undefined : problems.join('\n');
    });
  } finally {
    await context.close();
  }
}

/**
 * Record matching as a registration officer works it: the queue, a review with both records side by side (axe on
 * both pages), the decision form refusing an empty answer, then deciding "same person" and landing on the merged
 * person's history, which offers to undo the merge. With and without JavaScript: each run decides its own review.
 */
async function reviewChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await check(
      `a registration officer decides a review ${how} and sees the merged person's history`,
      async () => {
        await page.goto(`${baseUrl}/sign-in`);
        await page.fill('#username', registrar);
        await page.fill('#password', password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForLoadState('load');
        await page.goto(`${baseUrl}/identity/reviews`);
        const problems: string[] = [];
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`the queue: ${formatViolations(violations)}`);
        }
        const first = page.locator('a[href^="/identity/reviews/"]').first();
        if ((await first.count()) === 0) return 'the demo review queue is empty';
        await first.click();
        await page.waitForLoadState('load');
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`a review: ${formatViolations(violations)}`);
        }
        await page.getByRole('button', { name: 'Record the decision' }).click();
        await page.waitForLoadState('load');
        if ((await page.locator('.nhsuk-error-summary').count()) === 0)
          problems.push('no error summary without an answer');
        await page.getByLabel('Yes, the same person').check();
        await page.fill('#note', `Checked by the browser tests ${how}.`);
        await page.getByRole('button', { name: 'Record the decision' }).click();
        await page.waitForLoadState('load');
        const shown = await page.locator('main').innerText();
        if (!/Merge \d+: person/.test(shown)) problems.push(`no merge in the history at ${page.url()}`);
        if ((await page.getByRole('button', { name: /Undo merge/ }).count()) === 0)
          problems.push('no way to undo it');
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`the person: ${formatViolations(violations)}`);
        }
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
  } finally {
    await context.close();
  }
}

/**
 * The shared care record's pages: a clinician's search (axe; a wrong NHS number refused with an error summary; a
 * valid one that matches no one said plainly) and a privacy officer's queue of emergency access (axe); then the whole
 * journey of `recordJourney`.
 */
async function recordChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const signIn = async (username: string) => {
    await context.clearCookies();
    await page.goto(`${baseUrl}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
  };
  try {
    await check(`a clinician searches the shared care record ${how}`, async () => {
      await signIn('demo.clinician');
      await page.goto(`${baseUrl}/record`);
      const problems: string[] = [];
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the search: ${formatViolations(violations)}`);
      }
      await page.fill('#nhsNumber', '1234567890');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('load');
      if ((await page.locator('.nhsuk-error-summary').count()) === 0)
        problems.push('a wrong NHS number was taken');
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the error: ${formatViolations(violations)}`);
      }
      await page.fill('#nhsNumber', '9000000009');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('load');
      if (!(await page.locator('main').innerText()).includes('No one in the shared record matches'))
        problems.push('no plain answer when no one matches');
      return problems.length === 0 ? undefined : problems.join('\n');
    });
    await check(`a clinician's case-finding list puts the highest risk first ${how}`, async () => {
      await signIn('demo.clinician');
      await page.goto(`${baseUrl}/record`);
      await page.getByRole('link', { name: /highest risk of an emergency admission/ }).click();
      await page.waitForLoadState('load');
      const problems: string[] = [];
      const risks = (await page.locator('[data-case-finding-row] td:nth-child(5)').allInnerTexts()).map(
        (text) => Number(text.replace(/[^0-9.]/g, '')),
      );
      if (risks.length === 0)
        problems.push('no one listed: the demo trust cares for people with open episodes');
      if (risks.some((risk, i) => i > 0 && risk > (risks[i - 1] ?? 0)))
        problems.push(`not highest risk first: ${risks.join(', ')}`);
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the list: ${formatViolations(violations)}`);
      }
      await page.selectOption('#show', '25');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await page.waitForLoadState('load');
      const shown = await page.locator('[data-case-finding-row]').count();
      if (shown > 25) problems.push(`asked for 25, shown ${shown}`);
      return problems.length === 0 ? undefined : problems.join('\n');
    });
    await check(`a privacy officer sees the emergency access queue ${how}`, async () => {
      await signIn('demo.privacy');
      await page.goto(`${baseUrl}/record/break-glass`);
      const problems: string[] = [];
      if (!(await page.locator('h1').innerText()).includes('Emergency access to review'))
        problems.push('no queue');
      if (javaScriptEnabled) {
        const violations = await axeViolations(page);
        if (violations.length > 0) problems.push(`the queue: ${formatViolations(violations)}`);
      }
      return problems.length === 0 ? undefined : problems.join('\n');
    });
    await recordJourney(page, signIn, javaScriptEnabled);
  } finally {
    await context.close();
  }
}

/**
 * The shared care record end to end, as its people live it (cli/demo-record.ts): the demo's member of the public
 * reads their NHS number from their "who has looked at your record" page; the demo clinician finds them by it, is
 * refused (the trust has no relationship with them: nothing clinical shown), uses emergency access with a reason and
 * sees the joined-up record with each item's source; the privacy officer finds that access in the queue and closes
 * it; and the person sees the emergency access, with the reason, in their list. Every page passes axe.
 */
async function recordJourney(
  page: Page,
  signIn: (username: string) => Promise<void>,
  javaScriptEnabled: boolean,
) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  // The reason this run gives; a run after another within four hours finds the glass already broken, and its reason.
  let reason = `Browser test ${how}: collapsed in clinic, allergies needed`;
  let brokeGlass = false;
  const problems: string[] = [];
  const axe = async (what: string) => {
    if (!javaScriptEnabled) return;
    const violations = await axeViolations(page);
    if (violations.length > 0) problems.push(`${what}: ${formatViolations(violations)}`);
  };
  const main = async () => page.locator('main').innerText();
  let nhsNumber: string | undefined;
  await check(`a person sees their NHS number on "who has looked at your record" ${how}`, async () => {
    await signIn('demo.patient');
    await page.goto(`${baseUrl}/my-record`);
    await axe('who has looked');
    nhsNumber = /Your NHS number: (\d{3} \d{3} \d{4})/.exec(await main())?.[1];
    return nhsNumber === undefined
      ? `no NHS number on /my-record: ${(await main()).slice(0, 300)}`
      : undefined;
  });
  if (nhsNumber === undefined) return;
  const number = nhsNumber;
  await check(
    `a clinician without a relationship sees nothing clinical, breaks the glass, sees the joined-up record ${how}`,
    async () => {
      problems.length = 0;
      await signIn('demo.clinician');
      await page.goto(`${baseUrl}/record`);
      await page.fill('#nhsNumber', number);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('load');
      const person = page.locator('main a[href^="/record/persons/"]').first();
      if ((await person.count()) === 0) return `the search for ${number} found no one`;
      await person.click();
      await page.waitForLoadState('load');
      if ((await page.locator('h1').innerText()).includes('You cannot see this record')) {
        await axe('the refusal');
        const shown = await main();
        if (/Condition|Medication|Allerg|Encounter/i.test(shown.replace(/allergies needed/g, '')))
          problems.push('the refusal shows clinical words');
        await page.fill('#reason', reason);
        await page.getByRole('button', { name: 'Use emergency access' }).click();
        await page.waitForLoadState('load');
        brokeGlass = true;
      }
      const record = await main();
      reason = /Why you can see this record: Emergency access: (.+?)\.?\n/.exec(record)?.[1] ?? reason;
      if (!record.includes('Why you can see this record: Emergency access'))
        problems.push(`after emergency access the page says: ${record.slice(0, 300)}`);
      if (!/Recorded by: .+,/.test(record)) problems.push('the record does not name more than one source');
      await axe('the joined-up record');
      return problems.length === 0 ? undefined : problems.join('\n');
    },
  );
  await check(`a privacy officer reviews the emergency access ${how}`, async () => {
    problems.length = 0;
    await signIn('demo.privacy');
    await page.goto(`${baseUrl}/record/break-glass`);
    const ours = page.locator(`p:has-text("${reason}") + form`);
    // An access from an earlier run, reviewed then, is no longer waiting.
    if ((await ours.count()) === 0 && !brokeGlass) return undefined;
    if ((await ours.count()) === 0) return `the queue does not show the reason "${reason}"`;
    await axe('the queue');
    await ours.first().locator('input[value="justified"]').check();
    await ours.first().getByRole('button', { name: 'Close this review' }).click();
    await page.waitForLoadState('load');
    if ((await page.locator(`p:has-text("${reason}")`).count()) > 0) problems.push('the review stayed open');
    return problems.length === 0 ? undefined : problems.join('\n');
  });
  await check(`the person sees the emergency access and its reason ${how}`, async () => {
    problems.length = 0;
    await signIn('demo.patient');
    await page.goto(`${baseUrl}/my-record`);
    const shown = await main();
    if (!shown.includes(reason)) problems.push('the reason is not in the list');
    if (!shown.includes('Used emergency access')) problems.push('the emergency access is not in the list');
    await axe('who has looked, after');
    return problems.length === 0 ? undefined : problems.join('\n');
  });
}

/**
 * Population health as a reader uses it: the dashboard (axe), an indicator followed from it (axe), another year
 * chosen with the year form (a GET form: it must work without JavaScript), and the indicator's CSV downloaded. When
 * the demo has not computed indicators, the dashboard must say how to build them.
 */
async function populationChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await check(
      `a reader opens population health ${how}, follows an indicator and downloads its CSV`,
      async () => {
        const problems: string[] = [];
        const response = await page.goto(`${baseUrl}/indicators`, { waitUntil: 'load' });
        if (response?.status() !== 200) return `/indicators answered ${response?.status() ?? 'nothing'}`;
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`/indicators: ${formatViolations(violations)}`);
        }
        const shown = await page.locator('main').innerText();
        if (shown.includes('No indicators have been computed yet')) {
          return shown.includes('accord population build')
            ? undefined
            : 'the empty dashboard does not say how to build';
        }
        // The tile map, or the boundary map when the demo was started with --boundaries (each place an image).
        const tiles = await page.locator('svg.accord-tile-map[role="img"]').count();
        const boundaries = await page.locator('svg.accord-boundary-map[role="group"]').count();
        if (tiles + boundaries !== 1) problems.push('no map of the places');
        if (
          boundaries === 1 &&
          (await page.locator('svg.accord-boundary-map path[role="img"]').count()) === 0
        )
          problems.push('the boundary map names no place');
        const link = page.locator('main table a[href^="/indicators/"]').first();
        const href = await link.getAttribute('href');
        if (href === null) return [...problems, 'no indicator linked from the dashboard'].join('\n');
        await link.click();
        await page.waitForLoadState('load');
        if (!page.url().endsWith(href)) problems.push(`following the link landed on ${page.url()}`);
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`${href}: ${formatViolations(violations)}`);
        }
        const years = await page.locator('select#year option').allInnerTexts();
        const first = years[0];
        if (first !== undefined && years.length > 1) {
          await page.selectOption('select#year', first);
          await page.getByRole('button', { name: 'Show the year' }).click();
          await page.waitForLoadState('load');
          if (!page.url().includes(`year=${first}`)) problems.push(`the year form went to ${page.url()}`);
          if (!(await page.locator('main').innerText()).includes(`${first}: By place`)) {
            problems.push(`the page does not show ${first}`);
          }
        }
        const csv = await context.request.get(`${baseUrl}${href}.csv`);
        if (csv.status() !== 200) problems.push(`${href}.csv answered ${csv.status()}`);
        if (!(csv.headers()['content-disposition'] ?? '').startsWith('attachment')) {
          problems.push('the CSV is not sent as an attachment');
        }
        if (!(await csv.text()).startsWith('indicator,year,breakdown,group,value,')) {
          problems.push('the CSV does not start with its header');
        }
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
  } finally {
    await context.close();
  }
}

/**
 * A reader opens the carers' page (identified against the estimate), follows a place to its neighbourhoods and
 * practices, and downloads the CSV. When the demo has not computed them, the page must say how to build them.
 */
async function carersChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await check(
      `a reader sees carers identified against the estimate ${how}, by place and practice`,
      async () => {
        const problems: string[] = [];
        const response = await page.goto(`${baseUrl}/carers`, { waitUntil: 'load' });
        if (response?.status() !== 200) return `/carers answered ${response?.status() ?? 'nothing'}`;
        const shown = await page.locator('main').innerText();
        if (shown.includes('have not been counted yet')) {
          return shown.includes('accord population build')
            ? undefined
            : 'the empty page does not say how to build';
        }
        if (!/Identified, % of expected \(95% interval\)\s+\d/.test(shown))
          problems.push('no share identified');
        if ((await page.locator('main svg[role="img"]').count()) < 3)
          problems.push('fewer than three charts');
        const link = page.locator('main a[href^="/carers/places/"]').first();
        const href = await link.getAttribute('href');
        if (href === null) return [...problems, 'no place linked'].join('\n');
        await link.click();
        await page.waitForLoadState('load');
        if (!page.url().endsWith(href)) problems.push(`following the link landed on ${page.url()}`);
        if ((await page.locator('main table caption', { hasText: 'Practices of' }).count()) === 0) {
          problems.push(`${href} shows no practices`);
        }
        const csv = await context.request.get(`${baseUrl}/carers.csv`);
        if (csv.status() !== 200) problems.push(`/carers.csv answered ${csv.status()}`);
        if (!(await csv.text()).includes('area_type,area_code,area_name,place,year,')) {
          problems.push('the CSV has no header');
        }
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
  } finally {
    await context.close();
  }
}

/**
 * An officer (demo.officer, of West Yorkshire's integrated care board) uploads a workforce return: first a file with
 * an impossible row (more leavers than staff), which is refused with its line and stores nothing, then a good one,
 * which is stored and shown on the organisation's page. The form pages must pass axe; run with and without
 * JavaScript (each run a different quarter, so the second is a first version too).
 */
async function workforceChecks(browser: Browser, javaScriptEnabled: boolean) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const header =
    'organisation,period,staff_group,posts_fte,staff_in_post_headcount,staff_in_post_fte,vacancies_fte,starters,leavers,new_roles_headcount';
  const quarter = javaScriptEnabled ? '2025-Q3' : '2025-Q4';
  const upload = async (name: string, text: string) => {
    await page.goto(`${baseUrl}/workforce/returns/new`, { waitUntil: 'load' });
    await page.setInputFiles('input[type=file][name=file]', {
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });
    await page.getByRole('button', { name: 'Upload return' }).click();
    await page.waitForLoadState('load');
  };
  try {
    await check(
      `an officer uploads a workforce return ${how}: a bad row refused by line, then stored`,
      async () => {
        const problems: string[] = [];
        await page.goto(`${baseUrl}/sign-in?next=/workforce/returns/new`);
        await page.fill('#username', officer);
        await page.fill('#password', password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForLoadState('load');
        if (!page.url().endsWith('/workforce/returns/new')) return `signing in landed on ${page.url()}`;
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`the form: ${formatViolations(violations)}`);
        }
        await upload(
          'bad-return.csv',
          `${header}\nwest-yorkshire-icb,${quarter},nhs-infrastructure-support,100,90,85.5,10,5,120,0\n`,
        );
        const refused = await page
          .locator('.nhsuk-error-summary')
          .innerText()
          .catch(() => '');
        if (!/line 2/i.test(refused)) problems.push(`the bad file's errors do not name line 2: "${refused}"`);
        if (javaScriptEnabled) {
          const violations = await axeViolations(page);
          if (violations.length > 0) problems.push(`the refused form: ${formatViolations(violations)}`);
        }
        await upload(
          'return.csv',
          `${header}\nwest-yorkshire-icb,${quarter},nhs-infrastructure-support,100,90,85.5,10,5,4,0\n`,
        );
        const stored = await page.locator('main').innerText();
        if (!stored.includes('Workforce return stored'))
          problems.push(`the good file was not stored: ${page.url()}`);
        return problems.length === 0 ? undefined : problems.join('\n');
      },
    );
  } finally {
    await context.close();
  }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const discovery = await browser.newContext();
    const paths = await publicPaths(discovery);
    await discovery.close();
    await pageChecks(browser, paths);
    await check('no page requests fonts from another origin (blocked by the CSP)', async () =>
      blockedFonts.size === 0
        ? undefined
        : `requested: ${[...blockedFonts].join(', ')}\n` +
          'nhsuk-frontend.min.css declares @font-face for Frutiger on assets.nhs.uk: serve a copy without those rules.',
    );
    await signInChecks(browser, true);
    await signInChecks(browser, false);
    await proposalChecks(browser, true);
    await proposalChecks(browser, false);
    await meetingChecks(browser, baseUrl, true, check);
    await meetingChecks(browser, baseUrl, false, check);
    await moneyChecks(browser, baseUrl, true, check);
    await moneyChecks(browser, baseUrl, false, check);
    await reviewChecks(browser, true);
    await reviewChecks(browser, false);
    await recordChecks(browser, true);
    await recordChecks(browser, false);
    await carerPlanChecks(browser, baseUrl, true, check);
    await carerPlanChecks(browser, baseUrl, false, check);
    await populationChecks(browser, true);
    await populationChecks(browser, false);
    await carersChecks(browser, true);
    await carersChecks(browser, false);
    await workforceChecks(browser, true);
    await workforceChecks(browser, false);
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (error) {
  report(
    false,
    'the browser tests ran to the end',
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
