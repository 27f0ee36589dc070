/**
 * @module synthetic/feeds/name-table
 * Loads the table of name variants (`reference/names/nicknames.csv`: nicknames, transliterations, other spellings)
 * that the feeds draw name faults from, checked row by row with the same schema the name tables are checked with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, problem, type Issue, type Problem } from '../../core/problem.js';
import { referenceDir } from '../../core/paths.js';
import { err, ok, type Result } from '../../core/result.js';
import { parseCsv } from '../csv.js';
import { compileNameVariants, type NameVariantIndex } from '../name-variants.js';
import { NameVariantRow, PEOPLE_FILES, type NameVariant } from '../people.js';

export const defaultNameVariantsFile = join(referenceDir, 'names', PEOPLE_FILES.nicknames);

export function loadNameVariants(file: string = defaultNameVariantsFile): Result<NameVariantIndex, Problem> {
  const fail = (issues: readonly Issue[]) =>
    err(
      problem(
        'bad-input',
        `The name variants table has problems:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
        'Fix the rows named and run the command again.',
        issues,
      ),
    );
  if (!existsSync(file)) return fail([{ file, message: 'is missing' }]);
  const parsed = parseCsv(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) return fail(parsed.error);
  const [header, ...records] = parsed.value;
  const names = header?.fields.map((name) => name.trim()) ?? [];
  const rows: NameVariant[] = [];
  const issues: Issue[] = [];
  for (const record of records) {
    const cells = Object.fromEntries(names.map((name, i) => [name, record.fields[i] ?? '']));
    const row = NameVariantRow.safeParse(cells);
    if (row.success) rows.push(row.data);
    else {
      for (const issue of row.error.issues) {
        issues.push({ file, line: record.line, path: issue.path.join('.'), message: issue.message });
      }
    }
  }
  return issues.length > 0 ? fail(issues) : ok(compileNameVariants(rows));
}
