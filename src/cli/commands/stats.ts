/**
 * @module cli/commands/stats
 * `accord stats <method> --input file.csv`: the statistics library (src/population/statistics) over an analyst's
 * own aggregated CSV, as PHEindicatormethods offers in R. One command per method (dsr, proportion, rate, isr, sii,
 * life-expectancy), each listing its CSV columns in its --help. Every bad row is reported with its line and nothing
 * is written when there is any. The result is CSV on stdout, or in --output. Exit codes as in cli/main: 0 done,
 * 1 problems in the file, 2 a wrong command line.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { formatIssue } from '../../core/problem.js';
import {
  DEFAULT_STATS_OPTIONS,
  METHOD_SPECS,
  methodColumnsHelp,
  runStatsMethod,
  STATS_METHODS,
  type StatsMethod,
  type StatsOptions,
} from '../../population/statistics/tables.js';
import { formatCsv } from '../../synthetic/csv.js';
import type { Output } from './access.js';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const STATS_OPTIONS = {
  input: { type: 'string' },
  output: { type: 'string' },
  level: { type: 'string', default: '95' },
  per: { type: 'string', default: '100000' },
  seed: { type: 'string', default: '1' },
  repetitions: { type: 'string', default: '10000' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface StatsCommand {
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly positionals: number;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

/** The options every method takes, for its --help. */
const COMMON_HELP =
  'Options: --input <file.csv> (required); --output <file.csv> (default: stdout);\n' +
  '--level 95 or 99.8 (default 95)';
const EXTRA_HELP: Partial<Record<StatsMethod, string>> = {
  dsr: '; --per <n> (default 100000)',
  rate: '; --per <n> (default 100000)',
  sii: ';\n--seed <whole number> (default 1); --repetitions <n ≥ 100> (default 10000)',
};

/** Reads the options into StatsOptions, or says which is wrong. */
export function readStatsOptions(values: Record<string, unknown>): StatsOptions | string {
  const text = (name: string, fallback: string) =>
    typeof values[name] === 'string' ? values[name] : fallback;
  const level = Number(text('level', '95'));
  if (level !== 95 && level !== 99.8) return '--level must be 95 or 99.8 (the levels PHE/OHID publish at)';
  const per = Number(text('per', '100000'));
  if (!(Number.isFinite(per) && per > 0)) return '--per must be a number greater than 0 (e.g. 100000)';
  const seed = Number(text('seed', '1'));
  if (!Number.isInteger(seed)) return '--seed must be a whole number';
  const repetitions = Number(text('repetitions', '10000'));
  if (!(Number.isInteger(repetitions) && repetitions >= 100 && repetitions <= 1_000_000)) {
    return '--repetitions must be a whole number from 100 to 1000000';
  }
  return { ...DEFAULT_STATS_OPTIONS, level, per, seed, repetitions };
}

/** Runs one method; returns the exit code. */
export async function runStats(
  method: StatsMethod,
  values: Record<string, unknown>,
  io: Output,
): Promise<number> {
  const name = `accord stats ${method}`;
  const input = values.input;
  if (typeof input !== 'string' || input === '') {
    io.fail(`${name}: --input <file.csv> is required (see ${name} --help for its columns)`);
    return EXIT.usage;
  }
  const options = readStatsOptions(values);
  if (typeof options === 'string') {
    io.fail(`${name}: ${options}`);
    return EXIT.usage;
  }
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (error) {
    io.fail(`${name}: cannot read ${input} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return EXIT.failed;
  }
  const result = runStatsMethod(method, text, options);
  if (!result.ok) {
    for (const issue of result.error) io.fail(formatIssue({ file: input, ...issue }));
    io.fail(`${name}: ${result.error.length} problem(s) in ${input}; nothing was written`);
    return EXIT.failed;
  }
  const csv = formatCsv([result.value.header, ...result.value.rows]);
  const output = values.output;
  if (typeof output === 'string' && output !== '') {
    try {
      // Written whole under a temporary name, then renamed: a reader never sees half a file.
      const temporary = `${output}.${process.pid}.tmp`;
      writeFileSync(temporary, csv);
      renameSync(temporary, output);
    } catch (error) {
      io.fail(`${name}: cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return EXIT.failed;
    }
    io.out(`${name}: ${result.value.rows.length} row(s) written to ${output}`);
  } else {
    io.out(csv.slice(0, -1));
  }
  return EXIT.ok;
}

/** The `stats <method>` entries of the command table. */
export function statsCommands(io: Output): Record<string, StatsCommand> {
  return Object.fromEntries(
    STATS_METHODS.map((method): [string, StatsCommand] => [
      `stats ${method}`,
      {
        summary: METHOD_SPECS[method].summary,
        usage: `accord stats ${method} --input <file.csv> [--level 95|99.8] [--output <file.csv>]`,
        details: [
          'Computes it for your own aggregated data (docs/statistics.md gives the formulas and sources). Every bad',
          'row is reported with its line, and nothing is written when there is any.',
          methodColumnsHelp(method),
          `${COMMON_HELP}${EXTRA_HELP[method] ?? ''}.`,
        ].join('\n'),
        options: STATS_OPTIONS,
        positionals: 0,
        run: (values) => runStats(method, values, io),
      },
    ]),
  );
}
