/**
 * axe-core in a browser page, for the browser tests: the WCAG 2.x A/AA violations of the page as it is, and a way to
 * print them.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard the accessibility statement claims. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Injected as a script tag's text would be refused by the CSP; evaluate runs it outside the page's CSP.
  await page.evaluate(axe.source);
  // A string, so it runs in the page: this file is type-checked without the DOM library.
  const options = JSON.stringify({ runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] });
  return page.evaluate<AxeViolation[]>(
    `axe.run(document, ${options}).then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
    })))`,
  );
}

export const formatViolations = (violations: AxeViolation[]) =>
  violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n${v.nodes.map((n) => `  at ${JSON.stringify(n.target)}`).join('\n')}`,
    )
    .join('\n');
