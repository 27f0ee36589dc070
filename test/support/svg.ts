/**
 * What every chart's SVG must be, checked alike by the chart tests: an image with a title and a description for
 * screen readers, sized by its viewBox, with no script, event handler or inline style (the CSP forbids them).
 */
import { expect } from 'vitest';
import { escapeXml } from '../../src/web/charts/svg.js';

export function expectAccessibleSvg(svg: string, title: string): void {
  expect(svg).toMatch(/^<svg [^>]*role="img"/);
  expect(svg).toMatch(/viewBox="0 0 [\d.]+ [\d.]+"/);
  expect(svg).toContain(`<title id="`);
  expect(svg).toContain(`>${escapeXml(title)}</title>`);
  expect(svg).toMatch(/<desc id="[^"]+">[^<]+<\/desc>/);
  expect(svg).not.toMatch(/<script|\son\w+=|style=/i);
  expect(svg.endsWith('</svg>')).toBe(true);
}
