/**
 * @module workforce/repository
 * Workforce returns in PostgreSQL (migrations/0012_workforce.sql): inserts and reads only — the database refuses
 * every UPDATE and DELETE. `insertReturns` writes every return of one submission (a file with many organisations and
 * quarters) through the `Queryable` it is given, so the caller runs it in one transaction and a file is stored whole
 * or not at all.
 */
import type { Queryable } from '../store/database.js';
import type { ReturnFigures, ReturnLine } from './return-csv.js';

export type SubmitterKind = 'user' | 'system' | 'demo';
export type ReturnSource = 'csv' | 'form';

/** Who sent a submission, how and when. */
export interface Submission {
  readonly id: string;
  readonly byKind: SubmitterKind;
  /** An app_user id, an api_token id, or `synthetic` for the demo. */
  readonly by: string;
  readonly byOrganisation: string;
  readonly at: Date;
  readonly source: ReturnSource;
  readonly fileName?: string | undefined;
  readonly fileSha256?: string | undefined;
}

/** One organisation's quarter, as stored. */
export interface StoredReturn {
  readonly id: number;
  readonly organisation: string;
  readonly period: string;
  readonly version: number;
  readonly submission: Submission;
  readonly lines: readonly (ReturnFigures & { readonly staffGroup: string })[];
}

// One statement takes the table's lock so that two submissions of one organisation's quarter cannot both become
// version n: SHARE ROW EXCLUSIVE conflicts with itself, so submissions queue, while readers never wait.
const LOCK = 'LOCK TABLE workforce_return IN SHARE ROW EXCLUSIVE MODE';

/**
 * Inserts one return per (organisation, period) of `lines`, each the next version of that organisation's quarter,
 * with its lines. Returns the new returns' ids and versions, in (organisation, period) order.
 */
export async function insertReturns(
  tx: Queryable,
  partnershipId: string,
  submission: Submission,
  lines: readonly ReturnLine[],
): Promise<{ id: number; organisation: string; period: string; version: number }[]> {
  const groups = new Map<string, ReturnLine[]>();
  for (const line of lines) {
    const key = `${line.organisation}\u0000${line.period}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [line]);
    else group.push(line);
  }
  await tx.query(LOCK);
  const stored: { id: number; organisation: string; period: string; version: number }[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key) ?? [];
    const first = group[0];
    if (first === undefined) continue;
    const [row] = await tx.query<{ id: string; version: number }>(
      `INSERT INTO workforce_return
         (partnership_id, organisation, period, version, submitted_by_kind, submitted_by,
          submitted_by_organisation, submitted_at, source, file_name, file_sha256, submission)
       SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7, $8, $9, $10, $11
         FROM workforce_return WHERE partnership_id = $1 AND organisation = $2 AND period = $3
       RETURNING id, version`,
      [
        partnershipId,
        first.organisation,
        first.period,
        submission.byKind,
        submission.by,
        submission.byOrganisation,
        submission.at,
        submission.source,
        submission.fileName ?? null,
        submission.fileSha256 ?? null,
        submission.id,
      ],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
    await tx.query(
      `INSERT INTO workforce_return_line
         (return_id, staff_group, posts_fte, staff_in_post_headcount, staff_in_post_fte, vacancies_fte,
          starters, leavers, new_roles_headcount, working_carers_headcount)
       SELECT $1, * FROM unnest($2::text[], $3::numeric[], $4::integer[], $5::numeric[], $6::numeric[],
                                $7::integer[], $8::integer[], $9::integer[], $10::integer[])`,
      [
        row.id,
        group.map((l) => l.staffGroup),
        group.map((l) => l.postsFte),
        group.map((l) => l.headcount),
        group.map((l) => l.staffFte),
        group.map((l) => l.vacanciesFte),
        group.map((l) => l.starters),
        group.map((l) => l.leavers),
        group.map((l) => l.newRoles),
        // Not reported: NULL, unknown — never 0.
        group.map((l) => l.workingCarers ?? null),
      ],
    );
    stored.push({
      id: Number(row.id),
      organisation: first.organisation,
      period: first.period,
      version: row.version,
    });
  }
  return stored;
}

interface ReturnRow {
  id: string;
  organisation: string;
  period: string;
  version: number;
  submitted_by_kind: SubmitterKind;
  submitted_by: string;
  submitted_by_organisation: string;
  submitted_at: Date;
  source: ReturnSource;
  file_name: string | null;
  file_sha256: string | null;
  submission: string;
}

interface LineRow {
  return_id: string;
  staff_group: string;
  posts_fte: string;
  staff_in_post_headcount: number;
  staff_in_post_fte: string;
  vacancies_fte: string;
  starters: number;
  leavers: number;
  new_roles_headcount: number;
  working_carers_headcount: number | null;
}

const RETURN_COLUMNS = `r.id, r.organisation, r.period, r.version, r.submitted_by_kind, r.submitted_by,
  r.submitted_by_organisation, r.submitted_at, r.source, r.file_name, r.file_sha256, r.submission`;

async function withLines(db: Queryable, rows: readonly ReturnRow[]): Promise<StoredReturn[]> {
  if (rows.length === 0) return [];
  const lineRows = await db.query<LineRow>(
    `SELECT return_id, staff_group, posts_fte, staff_in_post_headcount, staff_in_post_fte, vacancies_fte,
            starters, leavers, new_roles_headcount, working_carers_headcount
       FROM workforce_return_line WHERE return_id = ANY($1::bigint[])
      ORDER BY return_id, staff_group`,
    [rows.map((r) => r.id)],
  );
  const byReturn = new Map<string, LineRow[]>();
  for (const l of lineRows) {
    const list = byReturn.get(l.return_id);
    if (list === undefined) byReturn.set(l.return_id, [l]);
    else list.push(l);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    organisation: r.organisation,
    period: r.period,
    version: r.version,
    submission: {
      id: r.submission,
      byKind: r.submitted_by_kind,
      by: r.submitted_by,
      byOrganisation: r.submitted_by_organisation,
      at: r.submitted_at,
      source: r.source,
      fileName: r.file_name ?? undefined,
      fileSha256: r.file_sha256 ?? undefined,
    },
    lines: (byReturn.get(r.id) ?? []).map((l) => ({
      staffGroup: l.staff_group,
      postsFte: Number(l.posts_fte),
      headcount: l.staff_in_post_headcount,
      staffFte: Number(l.staff_in_post_fte),
      vacanciesFte: Number(l.vacancies_fte),
      starters: l.starters,
      leavers: l.leavers,
      newRoles: l.new_roles_headcount,
      ...(l.working_carers_headcount === null ? {} : { workingCarers: l.working_carers_headcount }),
    })),
  }));
}

/** The version in force of every organisation's every quarter (the highest), by organisation then period. */
export async function readLatestReturns(db: Queryable, partnershipId: string): Promise<StoredReturn[]> {
  const rows = await db.query<ReturnRow>(
    `SELECT DISTINCT ON (r.organisation, r.period) ${RETURN_COLUMNS}
       FROM workforce_return r WHERE r.partnership_id = $1
      ORDER BY r.organisation, r.period, r.version DESC`,
    [partnershipId],
  );
  return withLines(db, rows);
}

/** Every version of one organisation's quarter, newest first. */
export async function readReturnHistory(
  db: Queryable,
  partnershipId: string,
  organisation: string,
  period: string,
): Promise<StoredReturn[]> {
  const rows = await db.query<ReturnRow>(
    `SELECT ${RETURN_COLUMNS} FROM workforce_return r
      WHERE r.partnership_id = $1 AND r.organisation = $2 AND r.period = $3
      ORDER BY r.version DESC`,
    [partnershipId, organisation, period],
  );
  return withLines(db, rows);
}

/** The returns stored by one submission, by organisation then period. */
export async function readSubmission(
  db: Queryable,
  partnershipId: string,
  submission: string,
): Promise<StoredReturn[]> {
  const rows = await db.query<ReturnRow>(
    `SELECT ${RETURN_COLUMNS} FROM workforce_return r
      WHERE r.partnership_id = $1 AND r.submission = $2
      ORDER BY r.organisation, r.period`,
    [partnershipId, submission],
  );
  return withLines(db, rows);
}

/** Whether any return is stored for the partnership (the demo loads its synthetic returns only into an empty store). */
export async function hasReturns(db: Queryable, partnershipId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM workforce_return WHERE partnership_id = $1 LIMIT 1', [
    partnershipId,
  ]);
  return rows.length > 0;
}

/** The lines of stored returns as return lines (organisation and period on each). */
export const linesOf = (returns: readonly StoredReturn[]): ReturnLine[] =>
  returns.flatMap((r) => r.lines.map((l) => ({ ...l, organisation: r.organisation, period: r.period })));
