/**
 * Small synthetic boundary files for the boundary map's tests: squares and rectangles of longitude and latitude
 * that share their edges as real boundary files do. (Real files are read from ../shared/data only, never copied.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Coordinates = number[][][];

/** To a millionth of a degree, as files are written: neighbours then share their vertices exactly. */
const micro = (v: number) => Math.round(v * 1e6) / 1e6;

/** A rectangle's ring, anticlockwise, closed as RFC 7946 asks, with extra points on its edges every `step`. */
export function rectangle(west: number, south: number, east: number, north: number, step = 0.5): Coordinates {
  const ring: number[][] = [];
  const along = (from: number[], to: number[]) => {
    const n = Math.max(
      1,
      Math.round(Math.max(Math.abs(to[0]! - from[0]!), Math.abs(to[1]! - from[1]!)) / step),
    );
    for (let i = 0; i < n; i++)
      ring.push([
        micro(from[0]! + ((to[0]! - from[0]!) * i) / n),
        micro(from[1]! + ((to[1]! - from[1]!) * i) / n),
      ]);
  };
  along([west, south], [east, south]);
  along([east, south], [east, north]);
  along([east, north], [west, north]);
  along([west, north], [west, south]);
  ring.push([west, south]);
  return [ring];
}

export function feature(properties: Record<string, unknown>, coordinates: Coordinates): object {
  return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates } };
}

export function collection(features: readonly object[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/**
 * The Riverside test partnership's two places (North Bank E06999901 above South Bank E06999902), South Bank made of
 * two features side by side, near 53.7° N.
 */
export function riversideBoundaries(): string {
  return collection([
    feature({ ltla19_code: 'E06999901', ltla19_name: 'North Bank' }, rectangle(-1.6, 53.8, -1.4, 54.0, 0.05)),
    feature(
      { ltla19_code: 'E06999902', ltla19_name: 'South Bank west' },
      rectangle(-1.6, 53.6, -1.5, 53.8, 0.05),
    ),
    feature(
      { ltla19_code: 'E06999902', ltla19_name: 'South Bank east' },
      rectangle(-1.5, 53.6, -1.4, 53.8, 0.05),
    ),
  ]);
}

/** A new temporary folder holding the files given (name → text); returns its path. */
export function folderWith(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-boundaries-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
