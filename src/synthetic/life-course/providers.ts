/**
 * @module synthetic/life-course/providers
 * Which organisation sees a resident of each district in each setting (`calibration/providers.csv`): the acute trust
 * for A&E, admissions and outpatients, the mental health trust, the community provider, the ambulance service and
 * the council responsible for adult social care — with shares where two trusts serve one district, and dates where a
 * council was replaced (North Yorkshire, April 2023). Checked cell by cell; every problem reported with its line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { buildAlias, drawAlias, type AliasTable } from '../alias.js';
import { parseCsv } from '../csv.js';
import type { Random } from '../random.js';
import { dayOf } from './days.js';
import { SETTINGS, type Setting } from './model.js';

export const PROVIDERS_FILE = 'providers.csv';

const Row = z.object({
  lad19_code: z.string().regex(/^E0[6-9]\d{6}$/, 'must be a local authority district code such as E08000035'),
  lad19_name: z.string().min(1, 'must not be empty'),
  setting: z.enum(SETTINGS.filter((s) => s !== 'gp') as [Setting, ...Setting[]], {
    message: `must be one of ${SETTINGS.filter((s) => s !== 'gp').join(', ')}`,
  }),
  organisation: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be an organisation id of organisations.yaml'),
  share: z.coerce.number().gt(0, 'must be a share above 0').max(1, 'must be a share of at most 1'),
  from: z.union([z.literal(''), z.iso.date('must be a date YYYY-MM-DD')]),
  to: z.union([z.literal(''), z.iso.date('must be a date YYYY-MM-DD')]),
  source: z.string().min(1, 'must name a source'),
  note: z.string(),
});

export interface ProviderRow {
  readonly lad19: string;
  readonly setting: Setting;
  readonly organisation: string;
  readonly share: number;
  readonly fromDay: number;
  readonly toDay: number;
}

export function loadProviders(calibrationDir: string): Result<ProviderRow[], Issue[]> {
  const file = join(calibrationDir, PROVIDERS_FILE);
  if (!existsSync(file))
    return err([{ file, message: 'is missing: every partnership needs its providers table' }]);
  const parsed = parseCsv(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) return err(parsed.error);
  const [header, ...records] = parsed.value;
  const names = header?.fields ?? [];
  const issues: Issue[] = [];
  const rows: ProviderRow[] = [];
  for (const record of records) {
    const cells = Object.fromEntries(names.map((name, i) => [name, record.fields[i] ?? '']));
    const result = Row.safeParse(cells);
    if (!result.success) {
      for (const issue of result.error.issues)
        issues.push({ file, line: record.line, path: issue.path.join('.'), message: issue.message });
      continue;
    }
    const row = result.data;
    rows.push({
      lad19: row.lad19_code,
      setting: row.setting,
      organisation: row.organisation,
      share: row.share,
      fromDay: row.from === '' ? Number.NEGATIVE_INFINITY : dayOf(row.from),
      toDay: row.to === '' ? Number.POSITIVE_INFINITY : dayOf(row.to),
    });
  }
  return issues.length > 0 ? err(issues) : ok(rows);
}

interface Period {
  readonly fromDay: number;
  readonly toDay: number;
  readonly organisations: readonly string[];
  readonly table: AliasTable;
}

export interface Providers {
  /** The organisation id that sees a resident of `lad19` in `setting` on `day`. */
  draw(lad19: string, setting: Setting, day: number, random: Random): string;
  readonly organisations: readonly string[];
}

/**
 * Compiles the table; fails if a district lacks a setting, or the shares of a district, setting and period do not
 * sum to 1.
 */
export function compileProviders(
  rows: readonly ProviderRow[],
  districts: readonly string[],
): Result<Providers, string> {
  // By district, then setting (a map of maps, not a joined string key: the simulator asks millions of times).
  const periods = new Map<string, Map<Setting, Period[]>>();
  for (const lad of districts) {
    const bySetting = new Map<Setting, Period[]>();
    periods.set(lad, bySetting);
    for (const setting of SETTINGS) {
      if (setting === 'gp') continue;
      const mine = rows.filter((row) => row.lad19 === lad && row.setting === setting);
      if (mine.length === 0) return err(`no provider of ${setting} for the district ${lad}`);
      const spans = [...new Set(mine.map((row) => `${row.fromDay} ${row.toDay}`))];
      const list: Period[] = [];
      for (const span of spans) {
        const inSpan = mine.filter((row) => `${row.fromDay} ${row.toDay}` === span);
        const total = inSpan.reduce((sum, row) => sum + row.share, 0);
        if (Math.abs(total - 1) > 0.001)
          return err(`the shares of ${setting} providers for ${lad} add up to ${total.toFixed(3)}, not 1`);
        const table = buildAlias(inSpan.map((row) => row.share));
        if (!table.ok) return err(table.error);
        list.push({
          fromDay: inSpan[0]?.fromDay ?? 0,
          toDay: inSpan[0]?.toDay ?? 0,
          organisations: inSpan.map((row) => row.organisation),
          table: table.value,
        });
      }
      bySetting.set(setting, list);
    }
  }
  return ok({
    organisations: [...new Set(rows.map((row) => row.organisation))].sort(),
    draw(lad19, setting, day, random) {
      const list = periods.get(lad19)?.get(setting) ?? [];
      let period = list[0];
      for (const p of list) {
        if (day >= p.fromDay && day <= p.toDay) {
          period = p;
          break;
        }
      }
      if (period === undefined) throw new Error(`no provider of ${setting} for ${lad19}`);
      return (
        period.organisations[period.organisations.length === 1 ? 0 : drawAlias(period.table, random)] ?? ''
      );
    },
  });
}
