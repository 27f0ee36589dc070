/**
 * @module web/charts/sparkline
 * A small line of a value over the years, for a dashboard row. Years without a published value break the line.
 * The description lists every point in words, so the line is not the only way to read it. Pure.
 */
import { escapeXml, openSvg, px } from './svg.js';

export interface SparkPoint {
  readonly year: number;
  /** The published value; absent when withheld or not available. */
  readonly value?: number | undefined;
  /** The value as a page shows it, for the description. */
  readonly text: string;
}

const WIDTH = 120;
const HEIGHT = 32;
const PAD = 4;

export function sparkline(title: string, points: readonly SparkPoint[]): string {
  const description = points.map((p) => `${p.year}: ${p.text}`).join('; ') || 'No years.';
  const parts = [openSvg(WIDTH, HEIGHT, title, description, 'accord-sparkline')];
  const values = points.map((p) => p.value).filter((v): v is number => v !== undefined);
  if (values.length > 0 && points.length > 0) {
    const min = Math.min(...values);
    const max = Math.max(...values);
    const x = (i: number) =>
      points.length === 1 ? WIDTH / 2 : PAD + (i / (points.length - 1)) * (WIDTH - 2 * PAD);
    const y = (v: number) =>
      max === min ? HEIGHT / 2 : HEIGHT - PAD - ((v - min) / (max - min)) * (HEIGHT - 2 * PAD);
    let path = '';
    let pen = false;
    points.forEach((p, i) => {
      if (p.value === undefined) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${px(x(i))} ${px(y(p.value))}`;
      pen = true;
    });
    parts.push(`<path d="${path}" fill="none" stroke="#005eb8" stroke-width="2"/>`);
    const lastIndex = points.findLastIndex((p) => p.value !== undefined);
    const last = points[lastIndex]?.value;
    if (last !== undefined) {
      parts.push(`<circle cx="${px(x(lastIndex))}" cy="${px(y(last))}" r="3" fill="#005eb8"/>`);
    }
  } else {
    parts.push(
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2 + 4}" font-size="11" text-anchor="middle" fill="#4c6272">${escapeXml('no values')}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
