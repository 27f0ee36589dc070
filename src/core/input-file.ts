/**
 * @module core/input-file
 * Reading the files people edit by hand (a partnership's YAML, the reference figures, the calibration tables) so that
 * every fault becomes an Issue with its file, line and path, never an exception: a missing or unreadable file, YAML
 * that does not parse, a value that fails its schema. Shared by partnership/load and the synthetic readers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Issue } from './problem.js';

/**
 * The bytes of the file at `path`, or undefined after recording why not in `issues`: `missing` when there is no such
 * file (each caller says where to look), or the error code when it cannot be read. `file` labels the issue.
 */
export function readInputFile(
  path: string,
  file: string,
  missing: string,
  issues: Issue[],
): Buffer | undefined {
  if (!existsSync(path)) {
    issues.push({ file, message: missing });
    return undefined;
  }
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    issues.push({ file, message: `cannot be read (${code}): it must be a readable file` });
    return undefined;
  }
}

/** A schema path as people write it: `organisations[3].ods`. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** The line of the YAML node at `path`, or of its nearest ancestor that exists. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range !== undefined && node.range !== null) {
      return counter.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

/** A YAML file that passed its schema, with the way back from a path in its data to a line of the file. */
export interface CheckedYaml<T> {
  readonly data: T;
  readonly locate: (path: readonly PropertyKey[]) => number | undefined;
}

/**
 * Reads the YAML file at `path` (as readInputFile) and checks it (as parseYaml). Returns the checked data with the
 * file's bytes (to hash, say), or undefined after recording every problem in `issues`.
 */
export function readYamlFile<S extends z.ZodType>(
  path: string,
  file: string,
  schema: S,
  missing: string,
  issues: Issue[],
): (CheckedYaml<z.output<S>> & { readonly bytes: Buffer }) | undefined {
  const bytes = readInputFile(path, file, missing, issues);
  if (bytes === undefined) return undefined;
  const checked = parseYaml(bytes.toString('utf8'), file, schema, issues);
  return checked === undefined ? undefined : { ...checked, bytes };
}

/**
 * Parses `text` as YAML 1.2 (keys must be unique) and checks it against `schema`. Returns the checked data, or
 * undefined after recording every syntax error or schema issue in `issues`, each with its line and path.
 */
function parseYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  issues: Issue[],
): CheckedYaml<z.output<S>> | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    lineCounter: counter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      issues.push({
        file,
        line: counter.linePos(error.pos[0]).line,
        message: `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
      });
    }
    return undefined;
  }
  const locate = (path: readonly PropertyKey[]) => lineOf(doc, counter, path);
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const problem of parsed.error.issues) {
      const line = locate(problem.path);
      issues.push({
        file,
        ...(line === undefined ? {} : { line }),
        path: pathText(problem.path),
        message: problem.message,
      });
    }
    return undefined;
  }
  return { data: parsed.data, locate };
}
