/**
 * @module partnership/repository
 * The partnership in the store. A load compares each entry with its current version: a changed entry gets a new
 * version (the old one is closed, never overwritten), a removed entry is closed, an unchanged one is left alone —
 * so loading the same files twice writes nothing, and every earlier version stays readable.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../store/database.js';
import type { LoadedPartnership } from './load.js';
import type { Partnership, PartnershipFileName } from './schema.js';

export type EntryKind =
  | 'info'
  | 'source'
  | 'organisation'
  | 'place'
  | 'neighbourhood'
  | 'test'
  | 'programme'
  | 'body'
  | 'delegation'
  | 'mou'
  | 'outcome'
  | 'milestone';

interface Entry {
  readonly kind: EntryKind;
  readonly id: string;
  readonly position: number;
  readonly content: unknown;
}

export interface SyncReport {
  readonly partnershipId: string;
  /** The load recorded, or undefined when nothing had changed. */
  readonly loadId: number | undefined;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly unchanged: number;
}

export interface EntryVersion {
  readonly version: number;
  readonly content: unknown;
  readonly recordedFrom: Date;
  readonly recordedTo: Date | null;
  readonly loadId: number;
}

/** Canonical JSON (sorted keys), so the same content always hashes the same whatever the key order in the file. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const hash = (value: unknown) => createHash('sha256').update(canonical(value)).digest('hex');

function entries(p: Partnership): Entry[] {
  const list = (kind: EntryKind, items: readonly { id: string }[]): Entry[] =>
    items.map((item, position) => ({ kind, id: item.id, position, content: item }));
  return [
    { kind: 'info', id: p.info.id, position: 0, content: p.info },
    { kind: 'mou', id: 'mou', position: 0, content: p.mou },
    ...list('source', p.sources),
    ...list('organisation', p.organisations),
    ...list('place', p.places),
    ...list('neighbourhood', p.neighbourhoods),
    ...list('test', p.tests),
    ...list('programme', p.programmes),
    ...list('body', p.bodies),
    ...list('delegation', p.delegations),
    ...list('outcome', p.outcomes ?? []),
    ...list('milestone', p.milestones ?? []),
  ];
}

interface CurrentRow {
  kind: EntryKind;
  entry_id: string;
  version: number;
  position: number;
  content_hash: string;
}

export async function syncPartnership(
  db: Database,
  loaded: LoadedPartnership,
  sourceDir: string,
): Promise<SyncReport> {
  const { partnership } = loaded;
  const id = partnership.info.id;
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO partnership (id, name) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE partnership.name IS DISTINCT FROM EXCLUDED.name`,
      [id, partnership.info.name],
    );
    // Serialise loads of the same partnership: two processes starting together must not both add version 2.
    await tx.query('SELECT id FROM partnership WHERE id = $1 FOR UPDATE', [id]);
    const current = await tx.query<CurrentRow>(
      `SELECT kind, entry_id, version, position, content_hash FROM partnership_entry
        WHERE partnership_id = $1 AND recorded_to IS NULL`,
      [id],
    );
    const byKey = new Map(current.map((row) => [`${row.kind}/${row.entry_id}`, row]));
    const incoming = entries(partnership).map((entry) => ({ ...entry, hash: hash(entry.content) }));
    const added = incoming.filter((e) => !byKey.has(`${e.kind}/${e.id}`));
    const changed = incoming.filter((e) => {
      const row = byKey.get(`${e.kind}/${e.id}`);
      return row !== undefined && row.content_hash !== e.hash;
    });
    // An entry that only moved within its file is not a new version of it: its place in the list is updated in
    // place, so inserting one organisation near the top does not version every organisation below it.
    const moved = incoming.filter((e) => {
      const row = byKey.get(`${e.kind}/${e.id}`);
      return row !== undefined && row.content_hash === e.hash && row.position !== e.position;
    });
    if (moved.length > 0) {
      await tx.query(
        `UPDATE partnership_entry e SET position = m.position
           FROM jsonb_to_recordset($2::jsonb) AS m(kind text, entry_id text, position int)
          WHERE e.partnership_id = $1 AND e.kind = m.kind AND e.entry_id = m.entry_id AND e.recorded_to IS NULL`,
        [id, JSON.stringify(moved.map((e) => ({ kind: e.kind, entry_id: e.id, position: e.position })))],
      );
    }
    const keep = new Set(incoming.map((e) => `${e.kind}/${e.id}`));
    const removed = current.filter((row) => !keep.has(`${row.kind}/${row.entry_id}`));
    const unchanged = incoming.length - added.length - changed.length;
    if (added.length + changed.length + removed.length === 0) {
      return { partnershipId: id, loadId: undefined, added: 0, changed: 0, removed: 0, unchanged };
    }

    const previous = await tx.query<{ file_hashes: Record<string, string> }>(
      'SELECT file_hashes FROM partnership_load WHERE partnership_id = $1 ORDER BY id DESC LIMIT 1',
      [id],
    );
    const before = previous[0]?.file_hashes ?? {};
    const changedFiles = (Object.keys(loaded.fileHashes) as PartnershipFileName[]).filter(
      (file) => before[file] !== loaded.fileHashes[file],
    );
    const [load] = await tx.query<{ id: string; loaded_at: Date }>(
      `INSERT INTO partnership_load (partnership_id, source_dir, file_hashes, changed_files, added, changed, removed)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, loaded_at`,
      [id, sourceDir, loaded.fileHashes, changedFiles, added.length, changed.length, removed.length],
    );
    if (load === undefined) throw new Error('INSERT … RETURNING returned no row');
    const at = load.loaded_at;

    await closeVersions(
      tx,
      id,
      [
        ...changed.map((e) => ({ kind: e.kind, id: e.id })),
        ...removed.map((r) => ({ kind: r.kind, id: r.entry_id })),
      ],
      at,
    );
    // An entry removed earlier and now back continues its numbering: versions are never reused.
    const latest = new Map(
      (
        await tx.query<{ kind: string; entry_id: string; version: number }>(
          `SELECT kind, entry_id, max(version) AS version FROM partnership_entry
            WHERE partnership_id = $1 GROUP BY kind, entry_id`,
          [id],
        )
      ).map((row) => [`${row.kind}/${row.entry_id}`, row.version]),
    );
    const versions = [...added, ...changed].map((e) => ({
      ...e,
      version: (latest.get(`${e.kind}/${e.id}`) ?? 0) + 1,
    }));
    // One statement for all new versions: a large partnership (hundreds of PCNs) loads in one round trip.
    if (versions.length > 0) {
      await tx.query(
        `INSERT INTO partnership_entry
           (partnership_id, kind, entry_id, version, position, content, content_hash, load_id, recorded_from)
         SELECT $1, v.kind, v.entry_id, v.version, v.position, v.content, v.content_hash, $2, $3
           FROM jsonb_to_recordset($4::jsonb)
             AS v(kind text, entry_id text, version int, position int, content jsonb, content_hash text)`,
        [
          id,
          load.id,
          at,
          JSON.stringify(
            versions.map((e) => ({
              kind: e.kind,
              entry_id: e.id,
              version: e.version,
              position: e.position,
              content: e.content,
              content_hash: e.hash,
            })),
          ),
        ],
      );
    }
    return {
      partnershipId: id,
      loadId: Number(load.id),
      added: added.length,
      changed: changed.length,
      removed: removed.length,
      unchanged,
    };
  });
}

async function closeVersions(
  tx: Queryable,
  partnershipId: string,
  keys: { kind: EntryKind; id: string }[],
  at: Date,
) {
  if (keys.length === 0) return;
  await tx.query(
    `UPDATE partnership_entry e SET recorded_to = $2
       FROM jsonb_to_recordset($3::jsonb) AS k(kind text, entry_id text)
      WHERE e.partnership_id = $1 AND e.kind = k.kind AND e.entry_id = k.entry_id AND e.recorded_to IS NULL`,
    [partnershipId, at, JSON.stringify(keys.map((k) => ({ kind: k.kind, entry_id: k.id })))],
  );
}

/**
 * The partnership a server or a domain step works for, as held now. Start-up loads it before anything runs, so its
 * absence is a fault of ours, never the caller's: thrown, not returned.
 */
export async function storedPartnership(db: Queryable, partnershipId: string): Promise<Partnership> {
  const partnership = await readPartnership(db, partnershipId);
  if (partnership === undefined) throw new Error(`partnership ${partnershipId} is not in the store`);
  return partnership;
}

/**
 * The partnership as Accord holds it now, or as it held it at a past moment (`asRecordedAt`).
 * Undefined when no partnership with that id was ever loaded.
 */
export async function readPartnership(
  db: Queryable,
  partnershipId: string,
  asRecordedAt?: Date,
): Promise<Partnership | undefined> {
  const rows = await db.query<{ kind: EntryKind; content: unknown }>(
    asRecordedAt === undefined
      ? `SELECT kind, content FROM partnership_entry
          WHERE partnership_id = $1 AND recorded_to IS NULL ORDER BY kind, position`
      : `SELECT kind, content FROM partnership_entry
          WHERE partnership_id = $1 AND recorded_from <= $2 AND (recorded_to IS NULL OR recorded_to > $2)
          ORDER BY kind, position`,
    asRecordedAt === undefined ? [partnershipId] : [partnershipId, asRecordedAt],
  );
  // The content was schema-checked when it was loaded; the casts restore the types it had then.
  const of = (kind: EntryKind): never[] =>
    rows.filter((row) => row.kind === kind).map((row) => row.content as never);
  const info = rows.find((row) => row.kind === 'info')?.content as Partnership['info'] | undefined;
  const mou = rows.find((row) => row.kind === 'mou')?.content as Partnership['mou'] | undefined;
  if (info === undefined || mou === undefined) return undefined;
  return {
    info,
    mou,
    sources: of('source'),
    organisations: of('organisation'),
    places: of('place'),
    neighbourhoods: of('neighbourhood'),
    tests: of('test'),
    programmes: of('programme'),
    bodies: of('body'),
    delegations: of('delegation'),
    outcomes: of('outcome'),
    milestones: of('milestone'),
  };
}

export async function entryHistory(
  db: Queryable,
  partnershipId: string,
  kind: EntryKind,
  entryId: string,
): Promise<EntryVersion[]> {
  const rows = await db.query<{
    version: number;
    content: unknown;
    recorded_from: Date;
    recorded_to: Date | null;
    load_id: string;
  }>(
    `SELECT version, content, recorded_from, recorded_to, load_id FROM partnership_entry
      WHERE partnership_id = $1 AND kind = $2 AND entry_id = $3 ORDER BY version`,
    [partnershipId, kind, entryId],
  );
  return rows.map((row) => ({
    version: row.version,
    content: row.content,
    recordedFrom: row.recorded_from,
    recordedTo: row.recorded_to,
    loadId: Number(row.load_id),
  }));
}

export async function listPartnerships(db: Queryable): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>('SELECT id, name FROM partnership ORDER BY name');
}
