/**
 * The record API benchmark's fixture: partners' feeds loaded into a store through the code `accord identity load`
 * and `accord record import` run, then the callers (partner systems' tokens, clinicians' sessions) and the requests
 * they will make, drawn from what was loaded.
 *
 * Organisation ids: tokens and users carry the partnership's lower-case ids (`OrganisationId`), while the feeds'
 * folders are ODS codes in upper case. The read check in `web/routes/fhir.ts` and the repository's search scope
 * compare them exactly, so a token could not read its own feed back. The feeds are therefore staged under
 * lower-case folder names (symbolic links and a rewritten manifest) before loading.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createSession, createToken, createUser } from '../../src/access/index.js';
import { identityLoad } from '../../src/cli/commands/identity.js';
import { recordImport } from '../../src/cli/commands/record.js';
import type { Database } from '../../src/store/index.js';

const NHS_NUMBER = 'https://fhir.nhs.uk/Id/nhs-number';
const PRACTICE_CODE = '^[a-z][0-9]{5}$';

interface Manifest {
  output: { type: string; url: string; count?: number }[];
  [key: string]: unknown;
}

/** The feeds under lower-case organisation folders (links to the originals), with their manifest. */
export function stageFeeds(feedsDir: string, stagedDir: string): string {
  const manifest = JSON.parse(readFileSync(join(feedsDir, 'manifest.json'), 'utf8')) as Manifest;
  rmSync(stagedDir, { recursive: true, force: true });
  mkdirSync(stagedDir, { recursive: true });
  const folders = new Set<string>();
  const output = manifest.output.map((file) => {
    const folder = dirname(file.url);
    folders.add(folder);
    return { ...file, url: file.url.replace(folder, folder.toLowerCase()) };
  });
  for (const folder of folders) {
    symlinkSync(resolve(feedsDir, folder), join(stagedDir, folder.toLowerCase()));
  }
  writeFileSync(join(stagedDir, 'manifest.json'), JSON.stringify({ ...manifest, output }, null, 2));
  return stagedDir;
}

export async function loadFeeds(db: Database, feedsDir: string, log: (line: string) => void): Promise<void> {
  const io = { out: log, fail: (line: string) => log(`  ${line}`) };
  const identity = await identityLoad(db, feedsDir, undefined, io);
  if (identity !== 0) throw new Error('accord identity load failed');
  // Exit code 1 when lines were skipped: the feeds carry planted faults, so some are, as intended.
  await recordImport(db, feedsDir, undefined, io);
}

export interface StoreSize {
  readonly resources: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly organisations: number;
  readonly databaseBytes: number;
}

export async function storeSize(db: Database): Promise<StoreSize> {
  const rows = await db.query<{ resource_type: string; n: string }>(
    `SELECT resource_type, count(*) AS n FROM record_resource WHERE NOT deleted GROUP BY resource_type ORDER BY 2 DESC`,
  );
  const [orgs] = await db.query<{ n: string }>(
    `SELECT count(DISTINCT source_organisation) AS n FROM record_resource`,
  );
  const [bytes] = await db.query<{ n: string }>(`SELECT pg_database_size(current_database()) AS n`);
  const byType = Object.fromEntries(rows.map((row) => [row.resource_type, Number(row.n)]));
  return {
    resources: Object.values(byType).reduce((a, b) => a + b, 0),
    byType,
    organisations: Number(orgs?.n ?? 0),
    databaseBytes: Number(bytes?.n ?? 0),
  };
}

/** One request a scenario may send: its path and the headers of its caller. */
export interface Call {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type ScenarioName = 'read' | 'search' | 'everything';

export interface Workload {
  readonly calls: Readonly<Record<ScenarioName, readonly Call[]>>;
  /** The organisations whose tokens read and search. */
  readonly organisations: readonly string[];
}

const shuffle = <T>(items: T[], random: () => number): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/** A small seeded generator (mulberry32), so the same store gives the same requests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The callers and their requests: `organisations` partner systems (the organisations that sent the most, each with
 * a `record:read` token) read their own resources by id and search them; clinicians of `organisations` GP practices
 * (R8000, signed in) ask for `$everything` of Patients registered with their practice — a legitimate relationship.
 */
export async function buildWorkload(
  db: Database,
  options: { organisations: number; perOrganisation: number; seed: number },
): Promise<Workload> {
  const random = seeded(options.seed);
  const suffix = `${Date.now().toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  const top = await db.query<{ source_organisation: string }>(
    `SELECT source_organisation FROM record_resource WHERE NOT deleted
      GROUP BY source_organisation ORDER BY count(*) DESC, source_organisation LIMIT $1`,
    [options.organisations],
  );
  const organisations = top.map((row) => row.source_organisation);
  const read: Call[] = [];
  const search: Call[] = [];
  for (const organisation of organisations) {
    const token = await createToken(db, { organisation, scopes: ['record:read'], label: 'bench/record-api' });
    if (!token.ok) throw new Error(`token for ${organisation}: ${token.error.title}`);
    const headers = { authorization: `Bearer ${token.value.token}` };
    const n = options.perOrganisation;
    const ids = await db.query<{ resource_type: string; id: string }>(
      `SELECT resource_type, id FROM record_resource WHERE source_organisation = $1 AND NOT deleted
        ORDER BY md5(id || $2) LIMIT $3`,
      [organisation, String(options.seed), n],
    );
    for (const row of ids) read.push({ path: `/fhir/${row.resource_type}/${row.id}`, headers });
    // Observation?patient=X&code=system|code: a patient's observations of one code.
    const observations = await db.query<{ patient_id: string; system: string | null; code: string }>(
      `SELECT r.patient_id, t.system, t.code FROM record_resource r
         JOIN record_search_token t ON t.resource_type = r.resource_type AND t.id = r.id AND t.param = 'code'
        WHERE r.resource_type = 'Observation' AND r.source_organisation = $1 AND r.patient_id IS NOT NULL
        ORDER BY md5(r.id || $2) LIMIT $3`,
      [organisation, String(options.seed), Math.ceil(n / 3)],
    );
    for (const row of observations) {
      const code = encodeURIComponent(`${row.system ?? ''}|${row.code}`);
      search.push({ path: `/fhir/Observation?patient=${row.patient_id}&code=${code}`, headers });
    }
    // Patient?identifier=nhs-number|N.
    const patients = await db.query<{ code: string }>(
      `SELECT t.code FROM record_resource r
         JOIN record_search_token t ON t.resource_type = 'Patient' AND t.id = r.id AND t.param = 'identifier'
        WHERE r.resource_type = 'Patient' AND r.source_organisation = $1 AND t.system = $2
        ORDER BY md5(r.id || $3) LIMIT $4`,
      [organisation, NHS_NUMBER, String(options.seed), Math.ceil(n / 3)],
    );
    for (const row of patients) {
      const identifier = encodeURIComponent(`${NHS_NUMBER}|${row.code}`);
      search.push({ path: `/fhir/Patient?identifier=${identifier}`, headers });
    }
    // Encounter?patient=X&date=ge2020-01-01.
    const encounters = await db.query<{ patient_id: string }>(
      `SELECT DISTINCT ON (patient_id) patient_id FROM record_resource
        WHERE resource_type = 'Encounter' AND source_organisation = $1 AND patient_id IS NOT NULL
        ORDER BY patient_id, md5(id || $2) LIMIT $3`,
      [organisation, String(options.seed), Math.ceil(n / 3)],
    );
    for (const row of encounters) {
      search.push({ path: `/fhir/Encounter?patient=${row.patient_id}&date=ge2020-01-01`, headers });
    }
  }
  // Clinicians of the GP practices holding the most registered (active, linked) Patients.
  const practices = await db.query<{ source_organisation: string }>(
    `SELECT p.source_organisation FROM record_resource p
       JOIN identity_record i ON i.organisation = p.source_organisation AND i.local_id = p.source_id
      WHERE p.resource_type = 'Patient' AND NOT p.deleted AND p.source_organisation ~ '${PRACTICE_CODE}'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT $1`,
    [options.organisations],
  );
  const everything: Call[] = [];
  for (const [index, { source_organisation: practice }] of practices.entries()) {
    const user = await createUser(db, {
      username: `bench.clinician.${index}.${suffix}`,
      displayName: `Bench Clinician ${index}`,
      organisation: practice,
      roles: ['R8000'],
      oidcSubject: `https://idp.example#bench.${index}.${suffix}`,
    });
    if (!user.ok) throw new Error(`clinician of ${practice}: ${user.error.title}`);
    const session = await createSession(db, user.value.id);
    const headers = { cookie: `accord_session=${session.token}` };
    const registered = await db.query<{ id: string }>(
      `SELECT p.id FROM record_resource p
         JOIN identity_record i ON i.organisation = p.source_organisation AND i.local_id = p.source_id
        WHERE p.resource_type = 'Patient' AND p.source_organisation = $1 AND NOT p.deleted
          AND p.content->>'active' IS DISTINCT FROM 'false'
        ORDER BY md5(p.id || $2) LIMIT $3`,
      [practice, String(options.seed), options.perOrganisation],
    );
    for (const row of registered) everything.push({ path: `/fhir/Patient/${row.id}/$everything`, headers });
  }
  return {
    calls: {
      read: shuffle(read, random),
      search: shuffle(search, random),
      everything: shuffle(everything, random),
    },
    organisations,
  };
}

/** Whether the folder already holds a store this benchmark loaded (so `--reuse` may skip loading). */
export const hasStore = (dataDir: string): boolean => existsSync(join(dataDir, 'pg'));
