/**
 * @module web/charts/svg
 * What the charts share: escaping text for SVG, rounding coordinates, the opening of an accessible chart (role="img",
 * a <title> and a <desc>, sized by its viewBox so it scales with the page), and the colours of a comparison with a
 * benchmark. Charts are strings of SVG built by pure functions: no scripts (the Content Security Policy forbids
 * inline ones) and no style attributes (presentation attributes only), so they render without JavaScript.
 */

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A coordinate with at most one decimal, so the markup stays small and stable. */
export const px = (n: number): string => String(Math.round(n * 10) / 10);

let serial = 0;
/** An id unique within a page, for aria-labelledby. */
function nextId(prefix: string): string {
  serial = (serial + 1) % 1_000_000;
  return `${prefix}-${serial}`;
}

/**
 * The opening tag of an accessible chart with its title and description; close it with `</svg>`. A chart is one
 * image (role="img"); a map whose areas each have their own accessible name is a group of images ("group").
 */
export function openSvg(
  width: number,
  height: number,
  title: string,
  description: string,
  cls: string,
  role: 'img' | 'group' = 'img',
): string {
  const id = nextId('chart');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${escapeXml(cls)}" viewBox="0 0 ${px(width)} ${px(height)}" ` +
    `width="${px(width)}" height="${px(height)}" preserveAspectRatio="xMinYMin meet" role="${role}" ` +
    `aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeXml(title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`
  );
}

/** How an area compares with its benchmark (benchmark.ts's `Comparison`), as the charts colour it. */
export type ComparisonKey = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not-compared';

/** Fill colours from the NHS palette, with the text colour that reads on each (contrast at least 4.5:1). */
export const COMPARISON_COLOURS: Readonly<Record<ComparisonKey, { fill: string; text: string }>> = {
  better: { fill: '#007f3b', text: '#ffffff' },
  similar: { fill: '#ffb81c', text: '#212b32' },
  worse: { fill: '#d5281b', text: '#ffffff' },
  higher: { fill: '#003087', text: '#ffffff' },
  lower: { fill: '#41b6e6', text: '#212b32' },
  'not-compared': { fill: '#d8dde0', text: '#212b32' },
};

/** The words for a comparison, so colour is never the only cue. */
export const COMPARISON_WORDS: Readonly<Record<ComparisonKey, string>> = {
  better: 'better',
  similar: 'similar',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  'not-compared': 'not compared',
};

/** Round "nice" bounds of an axis holding every value given, starting at 0 when the values are well above it. */
export function axisDomain(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min >= 0 && min < max * 0.5) min = 0;
  if (max <= 0 && max > min * 0.5) max = 0;
  if (min === max) {
    min = min === 0 ? 0 : min * 0.9;
    max = max === 0 ? 1 : max * 1.1;
  }
  const span = max - min;
  const step = 10 ** Math.floor(Math.log10(span));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => span / s <= 5) ?? step * 10;
  return { min: Math.floor(min / nice) * nice, max: Math.ceil(max / nice) * nice };
}

/** Tick values across a domain (about five). */
export function ticks(domain: { min: number; max: number }): number[] {
  const span = domain.max - domain.min;
  const step = 10 ** Math.floor(Math.log10(span));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => span / s <= 5) ?? step * 10;
  const out: number[] = [];
  for (let v = domain.min; v <= domain.max + nice / 1000; v += nice) out.push(Math.round(v / nice) * nice);
  return out;
}

/** A tick label: whole numbers as they are, others to the precision the step needs. */
export function tickLabel(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-GB');
  return Number(value.toPrecision(3)).toLocaleString('en-GB', { maximumFractionDigits: 6 });
}
