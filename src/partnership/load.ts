/**
 * @module partnership/load
 * Reads a partnership folder: every file parsed as YAML, checked against its schema, then every cross-reference
 * resolved. Returns the whole partnership or every problem found (file, line, path, message) — never the first
 * only, so whoever edits the files can fix them all in one pass.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { pathText, readYamlFile, type CheckedYaml } from '../core/input-file.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { OPTIONAL_FILES, PartnershipFiles, type Partnership, type PartnershipFileName } from './schema.js';
import { crossCheck } from './validate.js';

export interface LoadedPartnership {
  readonly partnership: Partnership;
  /** sha-256 of each file's bytes, to tell which files changed since the last load (an optional file left out: none). */
  readonly fileHashes: Readonly<Partial<Record<PartnershipFileName, string>>>;
}

type Parsed = { [K in PartnershipFileName]: z.infer<(typeof PartnershipFiles)[K]> };

/** Parses and schema-checks one file; `undefined` data means the file had problems (recorded in `issues`). */
function readFile<K extends PartnershipFileName>(
  dir: string,
  file: K,
  issues: Issue[],
  hashes: Partial<Record<PartnershipFileName, string>>,
): CheckedYaml<Parsed[K]> | undefined {
  const missing = 'file is missing: every partnership folder needs it (see the schema)';
  // An optional file left out is not a problem: the partnership has none of its entries.
  if (OPTIONAL_FILES.has(file) && !existsSync(join(dir, file))) return undefined;
  const read = readYamlFile(join(dir, file), file, PartnershipFiles[file], missing, issues);
  if (read === undefined) return undefined;
  // The hash and the parse come from the same bytes, so the recorded hash describes exactly what was loaded.
  hashes[file] = createHash('sha256').update(read.bytes).digest('hex');
  return { data: read.data as Parsed[K], locate: read.locate };
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
  const absent = new Set(files.filter((file) => OPTIONAL_FILES.has(file) && !existsSync(join(dir, file))));
  const unavailable = new Set(files.filter((file) => read[file] === undefined && !absent.has(file)));
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
    outcomes: list(read['outcomes.yaml']?.data.outcomes),
    milestones: list(read['milestones.yaml']?.data.milestones),
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
  // Every file present was read (otherwise there would be issues), so every present file's hash is here.
  return ok({ partnership: { ...partnership, info, mou }, fileHashes });
}
