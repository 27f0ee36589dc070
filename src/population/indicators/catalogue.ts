/**
 * @module population/indicators/catalogue
 * The indicators a partnership publishes: a folder of YAML files, one indicator each, beside `code-lists.yaml`
 * (Accord's own set is in `indicators/` at the root of the package; a partnership may point at its own). Every file
 * is checked — the definition's fields, that its id is its file name, that every code list it names exists, that no
 * two share an id — and every problem is returned at once, each naming its file and field.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { codeListsOf, parseCodeLists, parseIndicator, type CodeList, type Indicator } from './definition.js';

export interface Catalogue {
  readonly indicators: readonly Indicator[];
  readonly codeLists: Readonly<Record<string, CodeList>>;
}

export const CODE_LISTS_FILE = 'code-lists.yaml';

function readYaml(file: string): Result<unknown, Issue> {
  try {
    return ok(parse(readFileSync(file, 'utf8')) as unknown);
  } catch (error) {
    return err({ file, message: `is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}` });
  }
}

export function loadCatalogue(dir: string): Result<Catalogue, Issue[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return err([{ file: dir, message: 'is not a folder: give the folder of indicator definitions' }]);
  }
  const issues: Issue[] = [];
  const listsFile = join(dir, CODE_LISTS_FILE);
  let codeLists: Record<string, CodeList> = {};
  if (!existsSync(listsFile)) {
    issues.push({
      file: listsFile,
      message: 'is missing: the code lists the indicators name are defined there',
    });
  } else {
    const read = readYaml(listsFile);
    if (!read.ok) issues.push(read.error);
    else {
      const parsed = parseCodeLists(read.value, listsFile);
      if (parsed.ok) codeLists = parsed.value;
      else issues.push(...parsed.error);
    }
  }
  const indicators: Indicator[] = [];
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') && name !== CODE_LISTS_FILE)
    .sort();
  for (const name of files) {
    const file = join(dir, name);
    const read = readYaml(file);
    if (!read.ok) {
      issues.push(read.error);
      continue;
    }
    const parsed = parseIndicator(read.value, file);
    if (!parsed.ok) {
      issues.push(...parsed.error);
      continue;
    }
    const indicator = parsed.value;
    if (`${indicator.id}.yaml` !== basename(file)) {
      issues.push({
        file,
        message: `id: is ${indicator.id}, but the file must be named for its id (${indicator.id}.yaml)`,
      });
    }
    const named = [...codeListsOf(indicator.population.where), ...codeListsOf(indicator.numerator.where)];
    for (const list of new Set(named)) {
      if (codeLists[list] === undefined) {
        issues.push({
          file,
          message: `names the code list ${list}, which ${CODE_LISTS_FILE} does not define`,
        });
      }
    }
    indicators.push(indicator);
  }
  if (files.length === 0) issues.push({ file: dir, message: 'holds no indicator definitions (*.yaml)' });
  return issues.length > 0 ? err(issues) : ok({ indicators, codeLists });
}
