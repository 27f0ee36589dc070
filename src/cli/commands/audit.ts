/**
 * @module cli/commands/audit
 * `accord audit verify`: checks the audit log's hash chain end to end and says whether it is intact, naming the seq
 * of every problem. It prints the chain's head (seq and hash) each time; kept somewhere the database's
 * administrators cannot reach and given back with --expect-head, it also catches entries removed from the end, which
 * the chain alone cannot (docs/audit.md). Thin: the work is in src/access/audit.
 */
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { describeProblem, verifyAuditChain, type ChainHead } from '../../access/audit/index.js';
import type { Config } from '../../core/config.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database } from '../../store/database.js';
import { withStore, type Output } from './access.js';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const AUDIT_VERIFY_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  'data-dir': { type: 'string' },
  'expect-head': { type: 'string' },
};

export const AUDIT_VERIFY_HELP = {
  summary: "check the audit log's hash chain: report every altered, inserted or deleted entry",
  usage: 'accord audit verify [--data-dir <dir>] [--expect-head <seq>:<hash>]',
  details:
    'Reads every entry of the audit log in order, recomputes each hash and checks each link, and prints the\n' +
    'number of entries checked and either "the audit chain is intact" or each problem with the seq of its entry.\n' +
    'It then prints the head (seq:hash). Keep that line outside the database: entries removed from the END leave\n' +
    'no gap behind, and only --expect-head <the line kept last time> notices them. --data-dir names the embedded\n' +
    "store's data directory instead of ACCORD_DATA_DIR. Exit 0 intact, 1 problems found.",
};

/** Reads `<seq>:<64 hex digits>`, as verify prints the head. */
export function parseHead(text: string): Result<ChainHead, string> {
  const match = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) {
    return err('--expect-head must be <seq>:<64 hexadecimal digits>, as a previous verify printed it');
  }
  return ok({ seq: Number(match[1]), hash: Buffer.from(match[2], 'hex') });
}

export const formatHead = (head: ChainHead): string => `${head.seq}:${head.hash.toString('hex')}`;

const count = (n: number) => n.toLocaleString('en-GB');

/** Verifies the chain in `db` and prints the outcome; the exit code. */
export async function auditVerify(db: Database, anchor: ChainHead | undefined, io: Output): Promise<number> {
  const report = await verifyAuditChain(db, anchor === undefined ? {} : { anchor });
  io.out(`checked ${count(report.checked)} audit entries`);
  for (const problem of report.problems) io.fail(describeProblem(problem));
  if (report.moreProblems > 0) io.fail(`… and ${count(report.moreProblems)} more problems`);
  io.out(`head ${formatHead(report.head)}`);
  const total = report.problems.length + report.moreProblems;
  if (total === 0) {
    io.out(
      anchor === undefined
        ? 'the audit chain is intact'
        : `the audit chain is intact, and holds the expected head ${anchor.seq}`,
    );
    return EXIT.ok;
  }
  io.fail(`accord audit verify: the audit chain is NOT intact: ${count(total)} problem(s)`);
  return EXIT.failed;
}

/** The command: its options checked, the store opened (as every short command opens it), the chain verified. */
export async function runAuditVerify(
  values: Record<string, unknown>,
  config: Config,
  io: Output,
  open: (config: Config, work: (db: Database) => Promise<number>) => Promise<number> = withStore,
): Promise<number> {
  const dataDir = values['data-dir'];
  if (typeof dataDir === 'string' && config.databaseUrl !== undefined) {
    io.fail('accord audit verify: --data-dir names the embedded store; unset DATABASE_URL to use it');
    return EXIT.usage;
  }
  let anchor: ChainHead | undefined;
  if (typeof values['expect-head'] === 'string') {
    const parsed = parseHead(values['expect-head']);
    if (!parsed.ok) {
      io.fail(`accord audit verify: ${parsed.error}`);
      return EXIT.usage;
    }
    anchor = parsed.value;
  }
  const target = typeof dataDir === 'string' ? { ...config, dataDir: resolve(dataDir) } : config;
  return open(target, (db) => auditVerify(db, anchor, io));
}
