/**
 * A small OpenID Connect provider for tests, on loopback: discovery, JWKS, a token endpoint that checks PKCE (and,
 * when asked, the client's own authentication), RS256 ID tokens, and a userinfo endpoint. The test plays the browser:
 * it takes the authorization URL Accord redirects to, and `grant`s a code for whom it likes.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';

export interface ProviderOptions {
  readonly clientId: string;
  /** Whether the token request authenticates the client (e.g. checks a client assertion); default: any does. */
  readonly clientAuthenticates?: (form: URLSearchParams) => boolean;
  /** The userinfo claims of a subject, beyond `sub`. */
  readonly userinfo?: (sub: string) => Record<string, unknown>;
  /** Extra discovery metadata (e.g. `token_endpoint_auth_methods_supported`). */
  readonly metadata?: Record<string, unknown>;
}

export interface TestProvider {
  readonly issuer: string;
  /** Issues a code for `sub`, bound to the nonce and PKCE challenge of the authorization URL Accord sent. */
  grant(authorizationUrl: URL, sub: string): string;
  close(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startOidcProvider(options: ProviderOptions): Promise<TestProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const codes = new Map<string, { sub: string; nonce: string; challenge: string }>();
  const accessTokens = new Map<string, string>();
  let issuer = '';

  const idToken = (sub: string, nonce: string) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    const payload = b64({ iss: issuer, sub, aud: options.clientId, iat: now, exp: now + 300, nonce });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  };

  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') {
      send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        ...options.metadata,
      });
    } else if (request.url === '/jwks') {
      send(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    } else if (request.url === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        if (options.clientAuthenticates !== undefined && !options.clientAuthenticates(form)) {
          send(401, { error: 'invalid_client' });
          return;
        }
        const code = form.get('code') ?? '';
        const granted = codes.get(code);
        codes.delete(code);
        const verifier = form.get('code_verifier') ?? '';
        if (
          granted === undefined ||
          createHash('sha256').update(verifier).digest('base64url') !== granted.challenge
        ) {
          send(400, { error: 'invalid_grant' });
          return;
        }
        const accessToken = randomBytes(16).toString('hex');
        accessTokens.set(accessToken, granted.sub);
        send(200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken(granted.sub, granted.nonce),
        });
      });
    } else if (request.url === '/userinfo') {
      const sub = accessTokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (sub === undefined) send(401, { error: 'invalid_token' });
      else send(200, { ...options.userinfo?.(sub), sub });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;

  return {
    issuer,
    grant(authorizationUrl, sub) {
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        sub,
        nonce: authorizationUrl.searchParams.get('nonce') ?? '',
        challenge: authorizationUrl.searchParams.get('code_challenge') ?? '',
      });
      return code;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The `name=value` of a cookie an injected response sets, or undefined. */
export function cookieOf(response: LightMyRequestResponse, name: string): string | undefined {
  const header = response.headers['set-cookie'];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.find((line) => line.startsWith(`${name}=`))?.split(';')[0];
}
