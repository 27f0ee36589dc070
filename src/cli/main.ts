/**
 * @module cli/main
 * The `accord` command: a thin edge that parses arguments, calls the domain modules and turns their results into
 * output and an exit code. Exit codes: 0 success; 1 the work found problems or failed (messages say which);
 * 2 the command line itself was wrong.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENVIRONMENT, readConfig, type Config } from '../core/config.js';
import { defaultPartnershipDir, migrationsDir, packageVersion } from '../core/paths.js';
import { formatIssue, ProblemError, type Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadPartnership, partnershipJsonSchemas } from '../partnership/index.js';
import { migrate, openStore, readMigrations, resetDataDir, type Database } from '../store/index.js';
import { formatFidelity, generatePopulation, readFidelity } from '../synthetic/index.js';
import { writeFeeds } from '../synthetic/feeds/index.js';
import { progressBar } from './progress.js';
import { startAccord } from './serve.js';
import {
  knownOrganisations,
  readNewPassword,
  tokenCreate,
  tokenRevoke,
  userAdd,
  withStore,
  userDeactivate,
  userUnlock,
} from './commands/access.js';
import { identityKey, identityLoad } from './commands/identity.js';
import { recordImport } from './commands/record.js';
import { AUDIT_VERIFY_HELP, AUDIT_VERIFY_OPTIONS, runAuditVerify } from './commands/audit.js';
import { LINK_OPTIONS, runLink } from './commands/link.js';
import { statsCommands } from './commands/stats.js';
import { populationBuild } from './commands/population.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A JSON file of fault rates, read but not checked here (writeFeeds checks every rate and names a bad one). */
function readFaultsFile(file: string): Result<unknown, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      error: `cannot read the faults file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return err(`the faults file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly positionals: number;
  /** When some of the positionals are optional: how many are required. */
  readonly requiredPositionals?: number;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string) => process.stderr.write(`${line}\n`);

/** The settings from the environment; `overrides` are the command's own options (`--boundaries`) over it. */
function configOrExit(overrides: NodeJS.ProcessEnv = {}): Config | number {
  const config = readConfig({ ...process.env, ...overrides });
  if (!config.ok) {
    fail('accord: the environment is not set up correctly:');
    for (const issue of config.error) fail(`  ${formatIssue(issue)}`);
    return EXIT.failed;
  }
  return config.value;
}

/** `--boundaries <file|folder>` of `accord serve` and `accord demo`: ACCORD_BOUNDARIES for this run. */
const BOUNDARIES_OPTION = { boundaries: { type: 'string' } } as const;
const BOUNDARIES_DETAILS =
  '--boundaries <file|folder> (or ACCORD_BOUNDARIES): GeoJSON boundaries in WGS84 of the local authorities or\n' +
  'LSOAs, each feature with its LAD code: the population pages draw the places on a map instead of tiles.';

async function serveUntilSignalled(demo: boolean, boundaries?: unknown): Promise<number> {
  const config = configOrExit(typeof boundaries === 'string' ? { ACCORD_BOUNDARIES: boundaries } : {});
  if (typeof config === 'number') return config;
  const running = await startAccord({ config, demo, log: (line) => out(`accord: ${line}`) });
  out(`accord: serving ${running.partnership.partnershipId} at ${running.url} (Ctrl-C to stop)`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        fail(`accord: ${signal} again: exiting without waiting`);
        process.exit(EXIT.failed);
      }
      stopping = true;
      out(`accord: ${signal}: stopping`);
      running.stop().then(
        () => {
          out('accord: stopped cleanly');
          resolve(EXIT.ok);
        },
        (error: unknown) => {
          fail(`accord: error while stopping: ${String(error)}`);
          resolve(EXIT.failed);
        },
      );
    };
    // `on`, not `once`: a second signal must reach `stop` too (which exits at once, its exit hook still stopping
    // the embedded PostgreSQL); without a listener Node would die on the spot and orphan the database server.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Runs a short command on the configured store (sharing a running demo's server), or stops on bad settings. */
async function onStore(work: (db: Database, config: Config) => Promise<number>): Promise<number> {
  const config = configOrExit();
  if (typeof config === 'number') return config;
  return withStore(config, (db) => work(db, config));
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'serve the API and pages on the configured store',
    usage: 'accord serve [--boundaries <file|folder>]',
    details:
      'Opens the store (DATABASE_URL, or the embedded PostgreSQL in ACCORD_DATA_DIR), applies migrations, loads the\n' +
      'partnership in ACCORD_PARTNERSHIP and serves at HOST:PORT until SIGINT or SIGTERM.\n' +
      BOUNDARIES_DETAILS,
    options: BOUNDARIES_OPTION,
    positionals: 0,
    run: (values) => serveUntilSignalled(false, values.boundaries),
  },
  demo: {
    summary: 'run the demo: what `npm start` runs',
    usage: 'accord demo [--reset] [--boundaries <file|folder>]',
    details:
      'Like `accord serve`, plus the demo steps (seeded demo users; later, the synthetic population).\n' +
      "--reset empties the embedded data directory first and starts afresh: only Accord's own files are deleted,\n" +
      'and a folder that is not an Accord data directory is refused (so is DATABASE_URL).\n' +
      BOUNDARIES_DETAILS,
    options: { reset: { type: 'boolean', default: false }, ...BOUNDARIES_OPTION },
    positionals: 0,
    async run(values) {
      if (values.reset === true) {
        const config = configOrExit();
        if (typeof config === 'number') return config;
        if (config.databaseUrl !== undefined) {
          fail(
            'accord demo --reset only resets the embedded store; unset DATABASE_URL or reset that database yourself.',
          );
          return EXIT.usage;
        }
        const reset = resetDataDir(config.dataDir);
        if (!reset.ok) throw new ProblemError(reset.error);
        out(`accord: emptied ${config.dataDir}`);
      }
      return serveUntilSignalled(true, values.boundaries);
    },
  },
  migrate: {
    summary: 'apply database migrations and exit',
    usage: 'accord migrate',
    details: 'Brings the store (DATABASE_URL or the embedded one) up to the current schema, then exits.',
    options: {},
    positionals: 0,
    async run() {
      const config = configOrExit();
      if (typeof config === 'number') return config;
      const store = await openStore({
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        log: out,
        attachIfRunning: true,
      });
      try {
        const report = await migrate(store.db, readMigrations(migrationsDir));
        if (!report.ok) throw new ProblemError(report.error);
        out(`accord: ${store.db.description} is at schema version ${report.value.current}`);
        return EXIT.ok;
      } finally {
        await store.close();
      }
    },
  },
  generate: {
    summary:
      'generate the synthetic population of a partnership, with life courses 2015-2025 (ground truth, Parquet)',
    usage:
      'accord generate --scale <s> --seed <n> --out <dir> [--partnership <dir>] [--workers <n>] [--force] [--report]\n' +
      '                [--feeds [--faults <file.json>]]',
    details:
      'Draws the residents of the partnership at the given scale (1.0 = its real population) from its calibration\n' +
      'tables, and lives them through 2015-2025: names, ethnicity, addresses and moves, GP registration, conditions\n' +
      'with SNOMED CT codes, smoking and BMI, immunisations, contacts with every partner, carers, deaths with cause.\n' +
      'Writes Parquet files (persons, addresses, registrations, carers, events, per chunk; codes and organisations)\n' +
      'and a manifest. The same seed and scale give identical files; an interrupted run picks up where it stopped.\n' +
      'A folder holding other files is refused unless --force. --report then compares the population with the\n' +
      'calibration targets: demography, prevalence by condition, place and deprivation quintile, and mortality.\n' +
      '--feeds then writes what each partner organisation would send (FHIR R4 NDJSON per organisation and resource\n' +
      'type, in its own identifiers, with planted faults) into <dir>/feeds, with the ground truth of which record is\n' +
      'which person; --faults names a JSON file of fault rates over the defaults (see docs/synthetic-population.md).',
    options: {
      scale: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      partnership: { type: 'string' },
      workers: { type: 'string' },
      force: { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      feeds: { type: 'boolean', default: false },
      faults: { type: 'string' },
    },
    positionals: 0,
    async run(values) {
      const scale = Number(values.scale);
      const seed = Number(values.seed);
      if (typeof values.out !== 'string' || values.scale === undefined) {
        fail('accord generate: --scale and --out are required (e.g. --scale 0.01 --out ./synthetic)');
        return EXIT.usage;
      }
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
        fail('accord generate: --workers must be a whole number, 1 or more');
        return EXIT.usage;
      }
      if (typeof values.faults === 'string' && values.feeds !== true) {
        fail('accord generate: --faults goes with --feeds');
        return EXIT.usage;
      }
      const faults = typeof values.faults === 'string' ? readFaultsFile(values.faults) : undefined;
      if (faults !== undefined && !faults.ok) {
        fail(`accord generate: ${faults.error}`);
        return EXIT.failed;
      }
      const dir = typeof values.partnership === 'string' ? values.partnership : defaultPartnershipDir;
      const partnership = loadPartnership(dir);
      if (!partnership.ok) {
        for (const issue of partnership.error) fail(formatIssue(issue));
        fail(`accord generate: the partnership in ${dir} has problems; fix them first`);
        return EXIT.failed;
      }
      const bar = progressBar('accord generate', 'residents');
      const report = await generatePopulation({
        partnershipDir: dir,
        partnershipId: partnership.value.partnership.info.id,
        scale,
        seed,
        outDir: values.out,
        workers,
        force: values.force === true,
        onProgress: bar.update,
      });
      bar.end();
      if (!report.ok) throw new ProblemError(report.error);
      const r = report.value;
      out(
        `accord generate: ${r.residents.toLocaleString('en-GB')} residents (${r.persons.toLocaleString('en-GB')} people in 2015-2025), ` +
          `${r.events.toLocaleString('en-GB')} events and ${r.activity.toLocaleString('en-GB')} yearly counts of routine contacts, in ${r.chunks} chunk(s) in ${values.out}` +
          (r.reused > 0 ? ` (${r.reused} kept from an earlier run)` : '') +
          (r.nhsNumberRange === 'synthetic'
            ? '\nNHS numbers: more than the test range holds, so 990 000 000 0 - 999 999 999 9 (never issued to patients) is used.'
            : ''),
      );
      if (values.report === true) {
        const fidelity = await readFidelity(values.out, dir);
        if (!fidelity.ok) throw new ProblemError(fidelity.error);
        out(formatFidelity(fidelity.value));
      }
      if (values.feeds === true) {
        const feedsBar = progressBar('accord generate: partner feeds', 'people');
        const feeds = await writeFeeds({
          truthDir: values.out,
          outDir: values.out,
          seed,
          faults: faults?.ok === true ? faults.value : undefined,
          onProgress: feedsBar.update,
        });
        feedsBar.end();
        if (!feeds.ok) throw new ProblemError(feeds.error);
        const resources = Object.values(feeds.value.resources).reduce((sum, n) => sum + n, 0);
        out(
          `accord generate: partner feeds of ${feeds.value.organisations} organisations, ${feeds.value.files} files, ` +
            `${resources.toLocaleString('en-GB')} resources (${feeds.value.duplicates.toLocaleString('en-GB')} duplicate registrations) in ${feeds.value.dir}`,
        );
      }
      return EXIT.ok;
    },
  },
  'partnership schema': {
    summary: 'write the JSON Schemas of the partnership files (for editors)',
    usage: 'accord partnership schema <dir>',
    details:
      'Writes one JSON Schema per partnership file into <dir>, generated from the schemas the loader checks with.\n' +
      'A YAML language server can then check a partnership folder as it is edited.',
    options: {},
    positionals: 1,
    async run(_values, [dir]) {
      if (dir === undefined) return EXIT.usage;
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(partnershipJsonSchemas()))
        writeFileSync(join(dir, name), text);
      out(`wrote ${Object.keys(partnershipJsonSchemas()).length} JSON Schemas to ${dir}`);
      return EXIT.ok;
    },
  },
  'partnership validate': {
    summary: 'check a partnership folder and report every problem',
    usage: 'accord partnership validate <dir>',
    details:
      'Checks every file of the folder against its schema and every reference between files. Prints each problem\n' +
      'as file: line: path: message, and exits 1 if there are any. Changes nothing.',
    options: {},
    positionals: 1,
    async run(_values, [dir]) {
      if (dir === undefined) return EXIT.usage;
      const result = loadPartnership(dir);
      if (!result.ok) {
        for (const issue of result.error) fail(formatIssue(issue));
        fail(`${result.error.length} problem(s) in ${dir}`);
        return EXIT.failed;
      }
      const p = result.value.partnership;
      out(
        `${dir}: valid — ${p.info.name}: ${p.organisations.length} organisations, ${p.places.length} places, ` +
          `${p.neighbourhoods.length} neighbourhoods, ${p.programmes.length} programmes, ${p.bodies.length} bodies, ` +
          `${p.delegations.length} delegations, ${p.mou.commitments.length} MoU commitments, ${p.sources.length} sources`,
      );
      return EXIT.ok;
    },
  },
  link: {
    summary: 'link two CSV files of people, or deduplicate one, writing clusters and scored pairs',
    usage:
      'accord link <left.csv> [right.csv] --map <field>=<column>,… --out <dir> [--on-error stop|skip|missing]\n' +
      '            [--all-pairs]',
    details:
      'Probabilistic record linkage (Fellegi-Sunter, default settings; see docs/identity.md) of the records of\n' +
      'left.csv with those of right.csv, or of left.csv with itself when right.csv is not given. --map says which\n' +
      'column holds each field: id (required), forename, surname, dateOfBirth, sex, postcode, nhsNumber, address,\n' +
      'email, otherIdentifier; several columns joined with + are read as one (address=line_1+line_2+town).\n' +
      'Every row is checked (cells, empty or repeated id, NHS number check digit, date of birth real and from 1880\n' +
      'to today, sex, email) and each problem reported with its line. --on-error stop (default): write nothing if\n' +
      'there is any; skip: link the good rows; missing: also keep rows whose only fault is a value, without it.\n' +
      'Writes <dir>/clusters.csv (record_id, source, cluster_id: one cluster per person, from the auto-links) and\n' +
      '<dir>/pairs.csv (the pairs auto-linked or for review, or with --all-pairs every candidate pair, with the\n' +
      "probability, weight and each field's level and weight).",
    options: LINK_OPTIONS,
    positionals: 2,
    requiredPositionals: 1,
    run: (values, positionals) => runLink(values, positionals, { out, fail }),
  },
  'identity load': {
    summary: "first load of the master patient index from partners' FHIR feeds",
    usage: 'accord identity load <feeds-dir> [--organisations <id>,<id>…]',
    details:
      'Reads the Patients of every organisation in a Bulk Data feeds folder (its manifest.json), or of those named,\n' +
      'reporting each line it cannot take with its file and line; links them all in one run (the model is estimated\n' +
      'from them), clusters the auto-links into persons, opens reviews for uncertain pairs, and writes it all with\n' +
      'the model in one transaction. Only for an empty index: records after that arrive one at a time through\n' +
      'POST /api/identity/records.',
    options: { organisations: { type: 'string' } },
    positionals: 1,
    async run(values, [feedsDir]) {
      if (feedsDir === undefined) return EXIT.usage;
      const organisations = typeof values.organisations === 'string' ? values.organisations : undefined;
      return onStore((db) => identityLoad(db, feedsDir, organisations, { out, fail }));
    },
  },
  'identity key': {
    summary: 'write a new pseudonymisation key file',
    usage: 'accord identity key <file>',
    details:
      'Writes 32 random bytes (hex) to a new file readable only by you, for the pseudonyms of the analytic store\n' +
      '(HMAC-SHA-256 of the person id). Never overwrites a file: a replaced key orphans every pseudonym made with it.',
    options: {},
    positionals: 1,
    async run(_values, [file]) {
      if (file === undefined) return EXIT.usage;
      return Promise.resolve(identityKey(file, { out, fail }));
    },
  },
  'record import': {
    summary: "load partners' FHIR feeds into the shared care record",
    usage: 'accord record import <feeds-dir> [--organisations <id>,<id>…]',
    details:
      'Reads every resource of a Bulk Data feeds folder (its manifest.json), or of the organisations named; checks\n' +
      'each line (JSON, valid FHIR R4, the type the manifest lists, an id) and reports every bad one with its file\n' +
      "and line, skipping it; writes the rest in batches, each resource kept with its organisation and the partner's\n" +
      'own id, so importing the same feeds again changes nothing. New Patients are joined to persons in the identity\n' +
      'index (load it first with accord identity load). Exit code 1 when any line was skipped.',
    options: { organisations: { type: 'string' } },
    positionals: 1,
    async run(values, [feedsDir]) {
      if (feedsDir === undefined) return EXIT.usage;
      const organisations = typeof values.organisations === 'string' ? values.organisations : undefined;
      return onStore((db) => recordImport(db, feedsDir, organisations, { out, fail }));
    },
  },
  'population build': {
    summary: "build the pseudonymised analytic store from partners' feeds",
    usage:
      'accord population build <feeds-dir> --postcodes <file.csv> (--opt-outs <file> | --no-opt-outs) [--allocations <file.csv>]',
    details:
      'Reads the Patients, Conditions, Observations, Immunizations, Encounters and EpisodesOfCare of a Bulk Data feeds\n' +
      'folder into the analytic store (ACCORD_ANALYTICS_DIR), keyed by the keyed hash of each record and of its person\n' +
      'in the master patient index (ACCORD_PSEUDONYM_KEY_FILE): no name, NHS number, address, postcode, full date of\n' +
      'birth or free text is kept. Files unchanged since the last build are skipped; merges in the index are followed.\n' +
      '--postcodes: a postcode lookup with columns pcds and lsoa11 (the ONS NSPL has them). --opt-outs: NHS numbers,\n' +
      'one a line, of those who opted out (National Data Opt-out), whose data the store does not keep; or\n' +
      '--no-opt-outs to build without a list. Then computes the indicators, the carers identified against the\n' +
      "estimate and fair shares (indicators.json beside the store). --allocations: the places' current allocations\n" +
      'for fair shares, CSV with columns place and allocation_pounds; without it, an illustrative split of the\n' +
      'budget the partnership files state.\n' +
      'Exit code 1 when any resource was skipped (each reported with its file and line).',
    options: {
      postcodes: { type: 'string' },
      'opt-outs': { type: 'string' },
      'no-opt-outs': { type: 'boolean' },
      allocations: { type: 'string' },
    },
    positionals: 1,
    async run(values, [feedsDir]) {
      const postcodes = values.postcodes;
      if (feedsDir === undefined || typeof postcodes !== 'string') {
        fail('accord population build: give the feeds folder and --postcodes <file.csv>');
        return EXIT.usage;
      }
      const optOuts = typeof values['opt-outs'] === 'string' ? values['opt-outs'] : undefined;
      // Forgetting the list would put every person who opted out back in: building without one is a choice.
      if ((optOuts === undefined) === (values['no-opt-outs'] !== true)) {
        fail(
          'accord population build: give --opt-outs <file> (the National Data Opt-out list) or --no-opt-outs ' +
            'to build without one, not both',
        );
        return EXIT.usage;
      }
      return onStore((db, config) =>
        populationBuild(
          db,
          config,
          {
            feedsDir,
            postcodes,
            optOutsFile: optOuts,
            allocationsFile: typeof values.allocations === 'string' ? values.allocations : undefined,
          },
          { out, fail },
        ),
      );
    },
  },
  'audit verify': {
    ...AUDIT_VERIFY_HELP,
    options: AUDIT_VERIFY_OPTIONS,
    positionals: 0,
    async run(values) {
      const config = configOrExit();
      if (typeof config === 'number') return config;
      return runAuditVerify(values, config, { out, fail });
    },
  },
  'token create': {
    summary: "create an API token for a partner organisation's system",
    usage:
      'accord token create --org <organisation-id> --scope <scope> [--scope <scope>…] [--label <text>] [--expires-days <n>]',
    details:
      'Creates a bearer token acting for one organisation of the partnership with the given scopes (e.g.\n' +
      'partnership:read), expiring after --expires-days (default 90, at most 730). Prints the token once: Accord\n' +
      'keeps only its hash, so copy it to the partner now. Revoke it with `accord token revoke <id>`.',
    options: {
      org: { type: 'string' },
      scope: { type: 'string', multiple: true },
      label: { type: 'string' },
      'expires-days': { type: 'string' },
    },
    positionals: 0,
    async run(values) {
      return onStore(async (db, config) =>
        tokenCreate(db, values, await knownOrganisations(db, config.partnershipDir), { out, fail }),
      );
    },
  },
  'token revoke': {
    summary: 'revoke an API token at once',
    usage: 'accord token revoke <id>',
    details:
      'The id is the 16 hexadecimal digits after acc_ in the token. A revoked token is refused from then on.',
    options: {},
    positionals: 1,
    async run(_values, [id]) {
      if (id === undefined) return EXIT.usage;
      return onStore((db) => tokenRevoke(db, id, { out, fail }));
    },
  },
  'user add': {
    summary: 'add a person who signs in with a password or through OpenID Connect',
    usage:
      'accord user add --username <u> --org <organisation-id> --role <role> [--role <role>…] [--name <name>] [--oidc-subject <issuer>#<sub>]',
    details:
      'Adds a person acting for an organisation of the partnership, holding the given roles (R8000, R8008, R0001,\n' +
      'board-member, officer, analyst, finance, public). The password is read from ACCORD_NEW_PASSWORD or stdin\n' +
      '(typed without echo at a terminal), never from an argument; it must be at least 12 characters.\n' +
      'With --oidc-subject the person signs in only through OpenID Connect, as the subject <sub> of the provider\n' +
      "whose issuer URL is <issuer> (as in its ID tokens' iss claim), and no password is read.",
    options: {
      username: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string', multiple: true },
      name: { type: 'string' },
      'oidc-subject': { type: 'string' },
    },
    positionals: 0,
    async run(values) {
      const config = configOrExit();
      if (typeof config === 'number') return config;
      const password =
        typeof values['oidc-subject'] === 'string' ? undefined : await readNewPassword(process.env);
      return withStore(config, async (db) =>
        userAdd(db, values, password, await knownOrganisations(db, config.partnershipDir), { out, fail }),
      );
    },
  },
  'user unlock': {
    summary: 'let a locked-out username sign in again at once',
    usage: 'accord user unlock <username>',
    details:
      'After too many wrong passwords, signing in with a username is paused for a while. This lifts the pause now\n' +
      '(once you have confirmed who was trying) and forgets the failed attempts.',
    options: {},
    positionals: 1,
    async run(_values, [username]) {
      if (username === undefined) return EXIT.usage;
      return onStore((db) => userUnlock(db, username, { out, fail }));
    },
  },
  'user deactivate': {
    summary: 'stop a person signing in, and end their sessions',
    usage: 'accord user deactivate <username>',
    details:
      'The person can no longer sign in (with a password or through OpenID Connect), and any session they have\n' +
      'ends at once. Their record stays, so what they did remains attributed to them.',
    options: {},
    positionals: 1,
    async run(_values, [username]) {
      if (username === undefined) return EXIT.usage;
      return onStore((db) => userDeactivate(db, username, { out, fail }));
    },
  },
  ...statsCommands({ out, fail }),
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    `accord ${packageVersion}: runs an Integrated Care System partnership`,
    '',
    'Usage: accord <command> [options]     accord <command> --help',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Environment:',
    ...ENVIRONMENT.map((v) => `  ${v.name.padEnd(26)}${v.meaning}`),
    '',
    'Exit codes: 0 success; 1 problems found or a failure (the message says which); 2 a wrong command line.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`Usage: ${command.usage}`, '', `${name}: ${command.summary}.`, '', command.details].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(help());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version') {
    out(packageVersion);
    return EXIT.ok;
  }
  const name = [`${words[0] ?? ''} ${words[1] ?? ''}`, words[0] ?? ''].find(
    (candidate) => candidate in commands,
  );
  const command = name === undefined ? undefined : commands[name];
  const group = Object.keys(commands).filter((candidate) => candidate.startsWith(`${words[0] ?? ''} `));
  if (command === undefined && group.length > 0) {
    // `accord token`, `accord partnership --help`: list the group's commands.
    const wanted = argv.includes('--help') || argv.includes('-h');
    const lines = group.map((g) => `  accord ${g.padEnd(22)}${commands[g]?.summary ?? ''}`);
    (wanted ? out : fail)([`Usage: accord ${words[0] ?? ''} <command> [options]`, '', ...lines].join('\n'));
    return wanted ? EXIT.ok : EXIT.usage;
  }
  if (name === undefined || command === undefined) {
    fail(`accord: unknown command '${argv.join(' ')}'\n`);
    fail(help());
    return EXIT.usage;
  }
  const rest = argv.slice(name.split(' ').length);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    fail(`accord ${name}: ${(error as Error).message}\n`);
    fail(commandHelp(name, command));
    return EXIT.usage;
  }
  if (parsed.values.help === true) {
    out(commandHelp(name, command));
    return EXIT.ok;
  }
  const required = command.requiredPositionals ?? command.positionals;
  if (parsed.positionals.length < required || parsed.positionals.length > command.positionals) {
    const expected =
      required === command.positionals ? `${required}` : `${required} to ${command.positionals}`;
    fail(`accord ${name}: expected ${expected} argument(s), got ${parsed.positionals.length}\n`);
    fail(commandHelp(name, command));
    return EXIT.usage;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof ProblemError) {
      fail(`accord: ${error.problem.title}`);
      for (const issue of error.problem.issues ?? ([] as Issue[])) fail(`  ${formatIssue(issue)}`);
      if (error.problem.fix !== undefined) fail(`accord: ${error.problem.fix}`);
      return EXIT.failed;
    }
    throw error;
  }
}
