/**
 * @module core/config
 * Accord's settings, read from environment variables once at start and checked: a wrong value stops start-up with a
 * message naming the variable and what it should be, before anything is written.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
}

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

  const oidcNames = ['ACCORD_OIDC_ISSUER', 'ACCORD_OIDC_CLIENT_ID', 'ACCORD_OIDC_CLIENT_SECRET'] as const;
  const oidcValues = oidcNames.map(value);
  let oidc: OidcConfig | undefined;
  if (oidcValues.some((v) => v !== undefined)) {
    const missing = oidcNames.filter((_, index) => oidcValues[index] === undefined);
    if (missing.length > 0) bad(missing.join(', '), 'OpenID Connect needs all three ACCORD_OIDC_* variables');
    const issuer = parseUrl(oidcValues[0] ?? '');
    if (oidcValues[0] !== undefined && (issuer === undefined || issuer.protocol !== 'https:')) {
      bad('ACCORD_OIDC_ISSUER', 'must be an https:// URL of the identity provider');
    }
    if (missing.length === 0 && issuer !== undefined) {
      oidc = { issuer, clientId: oidcValues[1] ?? '', clientSecret: oidcValues[2] ?? '' };
    }
  }

  const nhsNames = [
    'ACCORD_NHS_LOGIN_ISSUER',
    'ACCORD_NHS_LOGIN_CLIENT_ID',
    'ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE',
  ] as const;
  const nhsValues = nhsNames.map(value);
  let nhsLogin: NhsLoginConfig | undefined;
  if (nhsValues.some((v) => v !== undefined)) {
    const missing = nhsNames.filter((_, index) => nhsValues[index] === undefined);
    if (missing.length > 0) bad(missing.join(', '), 'NHS login needs all three ACCORD_NHS_LOGIN_* variables');
    const issuer = parseUrl(nhsValues[0] ?? '');
    if (nhsValues[0] !== undefined && (issuer === undefined || issuer.protocol !== 'https:')) {
      bad('ACCORD_NHS_LOGIN_ISSUER', 'must be an https:// URL (e.g. https://auth.login.nhs.uk)');
    }
    let privateKeyPem: string | undefined;
    if (nhsValues[2] !== undefined) {
      const file = resolve(cwd, nhsValues[2]);
      try {
        privateKeyPem = readFileSync(file, 'utf8');
        createPrivateKey(privateKeyPem);
      } catch {
        privateKeyPem = undefined;
        bad('ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE', `${file} is not a readable PEM private key`);
      }
    }
    if (missing.length === 0 && issuer !== undefined && privateKeyPem !== undefined) {
      nhsLogin = { issuer, clientId: nhsValues[1] ?? '', privateKeyPem };
    }
  }

  if (issues.length > 0 || publicUrl === undefined) return err(issues);
  return ok({
    dataDir: resolve(cwd, value('ACCORD_DATA_DIR') ?? '.accord'),
    databaseUrl,
    host: value('HOST') ?? '127.0.0.1',
    port,
    publicUrl,
    partnershipDir: resolve(cwd, value('ACCORD_PARTNERSHIP') ?? defaultPartnershipDir),
    logLevel: logLevel as Config['logLevel'],
    oidc,
    nhsLogin,
  });
}
