/**
 * @module core/config
 * Accord's settings, read from environment variables once at start and checked: a wrong value stops start-up with a
 * message naming the variable and what it should be, before anything is written.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Issue } from './problem.js';
import { err, ok, type Result } from './result.js';
import { defaultPartnershipDir } from './paths.js';

export interface OidcConfig {
  readonly issuer: URL;
  readonly clientId: string;
  /** Absent for a provider Accord proves itself to with a private key instead (NHS login). */
  readonly clientSecret?: string;
}

/** NHS login, for members of the public: its clients authenticate with a signed JWT (private_key_jwt). */
export interface NhsLoginConfig {
  readonly issuer: URL;
  readonly clientId: string;
  /** The PEM of the private key registered with NHS login (RS512). */
  readonly privateKeyPem: string;
}

export interface Config {
  /** Where the embedded PostgreSQL keeps its data (ignored when databaseUrl is set). */
  readonly dataDir: string;
  /** An existing PostgreSQL server (production). */
  readonly databaseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** The address users reach Accord at; used for OpenID Connect redirects. */
  readonly publicUrl: URL;
  readonly partnershipDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly oidc: OidcConfig | undefined;
  readonly nhsLogin?: NhsLoginConfig | undefined;
  /**
   * Where partner systems put the NDJSON files they ask the FHIR API's `$import` to load, one folder per
   * organisation (`<importDir>/<organisation id>/…`): ACCORD_IMPORT_DIR, else `<dataDir>/imports`.
   */
  readonly importDir?: string;
  /**
   * The key of the analytic store's pseudonyms (`accord identity key` writes one): ACCORD_PSEUDONYM_KEY_FILE, else
   * `<dataDir>/pseudonym.key`. Kept apart from the store, readable only by Accord's user.
   */
  readonly pseudonymKeyFile?: string;
  /** The pseudonymised analytic store (DuckDB): ACCORD_ANALYTICS_DIR, else `<dataDir>/analytics`. */
  readonly analyticsDir?: string;
  /** Boundary files for the map of the places (ACCORD_BOUNDARIES); absent: the built-in tile map. */
  readonly boundaries?: BoundariesConfig | undefined;
}

export interface BoundariesConfig {
  /** A GeoJSON file, or a folder of them (checked to exist here; read and checked at start). */
  readonly path: string;
  /** The property holding each feature's local authority code (ACCORD_BOUNDARIES_PROPERTY; default: found). */
  readonly property?: string | undefined;
  /** The licence line shown under the map (ACCORD_BOUNDARIES_ATTRIBUTION). */
  readonly attribution: string;
}

/** What the ONS and OS boundaries' licence asks to be shown with them (Open Government Licence v3.0). */
export const DEFAULT_BOUNDARIES_ATTRIBUTION =
  'Contains public sector information licensed under the Open Government Licence v3.0. ' +
  'Contains OS data © Crown copyright and database right.';

/** The variables Accord reads, with what each is for: printed by `accord --help` and listed in the README. */
export const ENVIRONMENT: readonly { name: string; meaning: string }[] = [
  { name: 'ACCORD_DATA_DIR', meaning: 'data directory of the embedded PostgreSQL (default ./.accord)' },
  {
    name: 'DATABASE_URL',
    meaning: 'postgresql://… of an existing server; when set, no embedded server is started',
  },
  { name: 'HOST', meaning: 'address to listen on (default 127.0.0.1; 0.0.0.0 in a container)' },
  { name: 'PORT', meaning: 'port to listen on (default 3000)' },
  { name: 'ACCORD_PUBLIC_URL', meaning: 'the address users reach Accord at (default http://localhost:PORT)' },
  {
    name: 'ACCORD_PARTNERSHIP',
    meaning: 'folder of the partnership to load (default the West Yorkshire and Harrogate one)',
  },
  { name: 'ACCORD_LOG_LEVEL', meaning: 'fatal, error, warn, info (default), debug, trace or silent' },
  {
    name: 'ACCORD_OIDC_ISSUER',
    meaning: 'OpenID Connect issuer URL; with the two below, enables single sign-on',
  },
  { name: 'ACCORD_OIDC_CLIENT_ID', meaning: 'OpenID Connect client id' },
  { name: 'ACCORD_OIDC_CLIENT_SECRET', meaning: 'OpenID Connect client secret' },
  {
    name: 'ACCORD_NHS_LOGIN_ISSUER',
    meaning:
      'NHS login issuer URL; with the two below, members of the public sign in to see who looked at their record',
  },
  { name: 'ACCORD_NHS_LOGIN_CLIENT_ID', meaning: 'NHS login client id' },
  {
    name: 'ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE',
    meaning: 'PEM file of the private key registered with NHS login',
  },
  {
    name: 'ACCORD_IMPORT_DIR',
    meaning:
      "an existing folder of partners' NDJSON files for the FHIR $import, one folder per organisation (default DATA_DIR/imports)",
  },
  {
    name: 'ACCORD_PSEUDONYM_KEY_FILE',
    meaning:
      "the analytic store's pseudonymisation key, readable only by Accord (default DATA_DIR/pseudonym.key)",
  },
  {
    name: 'ACCORD_ANALYTICS_DIR',
    meaning: 'folder of the pseudonymised analytic store (default DATA_DIR/analytics)',
  },
  {
    name: 'ACCORD_BOUNDARIES',
    meaning:
      'a GeoJSON file (or folder) of local authority or LSOA boundaries in WGS84: the places are drawn on a map instead of tiles',
  },
  {
    name: 'ACCORD_BOUNDARIES_PROPERTY',
    meaning: "the boundaries' property holding the LAD code (default: one named like ltla19_code or LAD19CD)",
  },
  {
    name: 'ACCORD_BOUNDARIES_ATTRIBUTION',
    meaning: "the licence line shown under the map (default: the Open Government Licence's and OS's)",
  },
  {
    name: 'ACCORD_NEW_PASSWORD',
    meaning: 'for `accord user add` only: the new password (else read from stdin)',
  },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export function readConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Result<Config, Issue[]> {
  const issues: Issue[] = [];
  const bad = (name: string, message: string) => issues.push({ path: name, message });
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    bad('PORT', `'${portText}' is not a port number (1-65535)`);

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined) {
    const url = parseUrl(databaseUrl);
    if (url === undefined || !['postgres:', 'postgresql:'].includes(url.protocol)) {
      bad('DATABASE_URL', 'must be a connection string like postgresql://user:password@host:5432/accord');
    }
  }

  const publicText = value('ACCORD_PUBLIC_URL') ?? `http://localhost:${portText}`;
  const publicUrl = parseUrl(publicText);
  if (publicUrl === undefined || !['http:', 'https:'].includes(publicUrl.protocol)) {
    bad('ACCORD_PUBLIC_URL', `'${publicText}' is not an http(s) URL`);
  }

  const logLevel = value('ACCORD_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    bad('ACCORD_LOG_LEVEL', `'${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  }

  /**
   * An identity provider's three variables, `<prefix>_ISSUER`, `<prefix>_CLIENT_ID` and `<prefix>_<third>`: all or
   * none, the issuer an https:// URL. The values when all are set and the issuer is sound, else undefined (each
   * fault reported).
   */
  const provider = (prefix: string, third: string, what: string, issuerHint: string) => {
    const names = [`${prefix}_ISSUER`, `${prefix}_CLIENT_ID`, `${prefix}_${third}`];
    const [issuerText, clientId, thirdValue] = names.map(value);
    if (issuerText === undefined && clientId === undefined && thirdValue === undefined) return undefined;
    const missing = names.filter((name) => value(name) === undefined);
    if (missing.length > 0) bad(missing.join(', '), `${what} needs all three ${prefix}_* variables`);
    const issuer = parseUrl(issuerText ?? '');
    const secure = issuer !== undefined && issuer.protocol === 'https:';
    if (issuerText !== undefined && !secure) bad(`${prefix}_ISSUER`, `must be an https:// URL ${issuerHint}`);
    return secure && clientId !== undefined && thirdValue !== undefined
      ? { issuer, clientId, third: thirdValue }
      : undefined;
  };

  const staff = provider('ACCORD_OIDC', 'CLIENT_SECRET', 'OpenID Connect', 'of the identity provider');
  const oidc: OidcConfig | undefined =
    staff === undefined
      ? undefined
      : { issuer: staff.issuer, clientId: staff.clientId, clientSecret: staff.third };

  const nhs = provider(
    'ACCORD_NHS_LOGIN',
    'PRIVATE_KEY_FILE',
    'NHS login',
    '(e.g. https://auth.login.nhs.uk)',
  );
  const keyFile = value('ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE');
  let privateKeyPem: string | undefined;
  if (keyFile !== undefined) {
    const file = resolve(cwd, keyFile);
    try {
      privateKeyPem = readFileSync(file, 'utf8');
      createPrivateKey(privateKeyPem);
    } catch {
      privateKeyPem = undefined;
      bad('ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE', `${file} is not a readable PEM private key`);
    }
  }
  const nhsLogin: NhsLoginConfig | undefined =
    nhs === undefined || privateKeyPem === undefined
      ? undefined
      : { issuer: nhs.issuer, clientId: nhs.clientId, privateKeyPem };

  const dataDir = resolve(cwd, value('ACCORD_DATA_DIR') ?? '.accord');
  const importText = value('ACCORD_IMPORT_DIR');
  const importDir = importText === undefined ? join(dataDir, 'imports') : resolve(cwd, importText);
  if (importText !== undefined && !isDirectory(importDir)) {
    bad(
      'ACCORD_IMPORT_DIR',
      `${importDir} is not an existing folder: create it (with a folder in it for each organisation that imports) or unset ACCORD_IMPORT_DIR to use DATA_DIR/imports`,
    );
  }

  const keyText = value('ACCORD_PSEUDONYM_KEY_FILE');
  const pseudonymKeyFile = keyText === undefined ? join(dataDir, 'pseudonym.key') : resolve(cwd, keyText);
  const analyticsText = value('ACCORD_ANALYTICS_DIR');
  const analyticsDir = analyticsText === undefined ? join(dataDir, 'analytics') : resolve(cwd, analyticsText);

  const boundaries = readBoundariesConfig(value, cwd, bad);

  if (issues.length > 0 || publicUrl === undefined) return err(issues);
  return ok({
    dataDir,
    databaseUrl,
    host: value('HOST') ?? '127.0.0.1',
    port,
    publicUrl,
    partnershipDir: resolve(cwd, value('ACCORD_PARTNERSHIP') ?? defaultPartnershipDir),
    logLevel: logLevel as Config['logLevel'],
    oidc,
    nhsLogin,
    importDir,
    pseudonymKeyFile,
    analyticsDir,
    boundaries,
  });
}

/** ACCORD_BOUNDARIES and its two companions: the path must exist; the files are read and checked at start. */
function readBoundariesConfig(
  value: (name: string) => string | undefined,
  cwd: string,
  bad: (name: string, message: string) => void,
): BoundariesConfig | undefined {
  const pathText = value('ACCORD_BOUNDARIES');
  const property = value('ACCORD_BOUNDARIES_PROPERTY');
  const attribution = value('ACCORD_BOUNDARIES_ATTRIBUTION');
  if (pathText === undefined) {
    for (const [name, given] of [
      ['ACCORD_BOUNDARIES_PROPERTY', property],
      ['ACCORD_BOUNDARIES_ATTRIBUTION', attribution],
    ] as const) {
      if (given !== undefined) bad(name, 'goes with ACCORD_BOUNDARIES: set that too, or unset this');
    }
    return undefined;
  }
  const path = resolve(cwd, pathText);
  try {
    statSync(path);
  } catch {
    bad(
      'ACCORD_BOUNDARIES',
      `${path} does not exist: give a GeoJSON file of boundaries in WGS84 (or a folder of them), ` +
        'or unset ACCORD_BOUNDARIES to show the tile map',
    );
    return undefined;
  }
  return { path, property, attribution: attribution ?? DEFAULT_BOUNDARIES_ATTRIBUTION };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
