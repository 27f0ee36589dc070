/**
 * @module partnership/load
 * Reads a partnership folder: every file parsed as YAML, checked against its schema, then every cross-reference
 * resolved. Returns the whole partnership or every problem found (file, line, path, message) — never the first
 * only, so whoever edits the files can fix them all in one pass.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { PartnershipFiles, type Partnership, type PartnershipFileName } from './schema.js';
import { crossCheck } from './validate.js';

export interface LoadedPartnership {
  readonly partnership: Partnership;
  /** sha-256 of each file's bytes, to tell which files changed since the last load. */
  readonly fileHashes: Readonly<Record<PartnershipFileName, string>>;
}

type Parsed = { [K in PartnershipFileName]: z.infer<(typeof PartnershipFiles)[K]> };

function pathText(path: readonly PropertyKey[]): string {
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

/** Parses and schema-checks one file; `undefined` data means the file had problems (recorded in `issues`). */
function readFile<K extends PartnershipFileName>(
  dir: string,
  file: K,
  issues: Issue[],
  hashes: Partial<Record<PartnershipFileName, string>>,
): { data: Parsed[K]; locate: (path: readonly PropertyKey[]) => number | undefined } | undefined {
  const fullPath = join(dir, file);
  if (!existsSync(fullPath)) {
    issues.push({ file, message: 'file is missing: every partnership folder needs it (see the schema)' });
    return undefined;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(fullPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    issues.push({ file, message: `cannot be read (${code}): it must be a readable file` });
    return undefined;
  }
  // The hash and the parse come from the same bytes, so the recorded hash describes exactly what was loaded.
  hashes[file] = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
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
  const schema = PartnershipFiles[file];
  const parsed = schema.safeParse(doc.toJS());
  const locate = (path: readonly PropertyKey[]) => lineOf(doc, counter, path);
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
  return { data: parsed.data as Parsed[K], locate };
}

export function loadPartnership(dir: string): Result<LoadedPartnership, Issue[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return err([{ file: dir, message: 'is not a folder: give the path of a partnership folder' }]);
  }
  const issues: Issue[] = [];
  const files = Object.keys(PartnershipFiles) as PartnershipFileName[];
  const fileHashes: Partial<Record<PartnershipFileName, string>> = {};
  const read = Object.fromEntries(files.map((file) => [file, readFile(dir, file, issues, fileHashes)])) as {
    [K in PartnershipFileName]: ReturnType<typeof readFile<K>>;
  };

  // Files that failed their schema stand in as empty, so the references among the files that passed are still
  // checked now: whoever fixes the folder sees every problem at once.
  const unavailable = new Set(files.filter((file) => read[file] === undefined));
  const list = <T>(entries: readonly T[] | undefined): readonly T[] => entries ?? [];
  const info = read['partnership.yaml']?.data.partnership;
  const mou = read['mou.yaml']?.data.mou;
  const partnership = {
    info,
    sources: list(read['sources.yaml']?.data.sources),
    organisations: list(read['organisations.yaml']?.data.organisations),
    places: list(read['places.yaml']?.data.places),
    neighbourhoods: list(read['neighbourhoods.yaml']?.data.neighbourhoods),
    tests: list(read['collective-action-tests.yaml']?.data.tests),
    programmes: list(read['programmes.yaml']?.data.programmes),
    bodies: list(read['bodies.yaml']?.data.bodies),
    delegations: list(read['delegations.yaml']?.data.delegations),
    mou,
  };
  const crossIssues = crossCheck(partnership as Partnership, unavailable).map((issue) => {
    const located = read[issue.file]?.locate(issue.pathParts);
    return {
      file: issue.file,
      ...(located === undefined ? {} : { line: located }),
      path: pathText(issue.pathParts),
      message: issue.message,
    };
  });
  if (issues.length + crossIssues.length > 0) return err([...issues, ...crossIssues]);
  if (info === undefined || mou === undefined) throw new Error('unreachable: both files passed their schema');
  // Every file was read (otherwise there would be issues), so every hash is present.
  return ok({
    partnership: { ...partnership, info, mou },
    fileHashes: fileHashes as Record<PartnershipFileName, string>,
  });
}
