import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { loadPartnership, syncPartnership } from '../partnership/index.js';
import { packageRoot } from '../core/paths.js';
import { join } from 'node:path';
import { buildServer } from './server.js';

const riverside = join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside');

describe('the server edge', () => {
  let test: TestDatabase;
  let partnershipId: string;
  const logged: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString('utf8'));
      done();
    },
  });

  beforeAll(async () => {
    test = await createTestDatabase();
    const loaded = loadPartnership(riverside);
    if (!loaded.ok) throw new Error('riverside fixture does not load');
    partnershipId = (await syncPartnership(test.db, loaded.value, riverside)).partnershipId;
  });
  afterAll(async () => {
    await test.drop();
  });

  const server = (schemaCurrent = true) =>
    buildServer({
      db: test.db,
      config: { logLevel: 'info', publicUrl: new URL('http://localhost:3000'), oidc: undefined },
      partnershipId,
      schemaCurrent: () => Promise.resolve(schemaCurrent),
      logStream,
    });

  it('answers /health and /ready, and /ready says 503 when the schema is not current', async () => {
    const app = await server();
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/ready')).json()).toEqual({
      status: 'ready',
      database: 'ok',
      migrations: 'current',
    });
    await app.close();
    const stale = await server(false);
    const response = await stale.inject('/ready');
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    await stale.close();
  });

  it('publishes an OpenAPI 3 document that lists the API', async () => {
    const app = await server();
    const response = await app.inject('/api/openapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    await app.close();
  });

  it('answers unknown API paths with RFC 9457 problem+json and unknown pages with an HTML page', async () => {
    const app = await server();
    const api = await app.inject('/api/no-such-thing');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.json()).toMatchObject({
      status: 404,
      title: 'Page not found',
      instance: '/api/no-such-thing',
    });
    const page = await app.inject('/no-such-page');
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<h1>Page not found</h1>');
    await app.close();
  });

  it('refuses bodies over the limit with 413', async () => {
    const app = await server();
    const response = await app.inject({
      method: 'POST',
      url: '/api/anything',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    await app.close();
  });

  it('sends security headers on every response', async () => {
    const app = await server();
    const response = await app.inject('/health');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    await app.close();
  });

  it('refuses to start with a route that declares no access rule (deny by default)', async () => {
    const app = await server();
    expect(() => app.get('/api/unguarded', async () => 'open')).toThrow(/declares no access rule/);
    await app.close();
  });

  it('logs requests by route pattern, never their query strings or bodies', async () => {
    const app = await server();
    logged.length = 0;
    await app.inject('/api/no-such-thing?nhs-number=9990001234&name=Smith');
    await app.inject({ method: 'POST', url: '/api/x', payload: { password: 'hunter2' } });
    await app.close();
    const text = logged.join('');
    expect(text).not.toMatch(/9990001234|Smith|hunter2/);
    expect(text).toMatch(/"statusCode":404/);
  });

  it('answers an internal error with a generic problem and a reference, and logs no message that could quote data', async () => {
    const app = await server();
    app.get('/api/boom', { config: { access: 'public' } }, () => {
      throw new Error('invalid input syntax for type integer: "nhs-9990001234"');
    });
    logged.length = 0;
    const response = await app.inject('/api/boom');
    await app.close();
    expect(response.statusCode).toBe(500);
    const body = response.json<{ title: string; detail: string }>();
    expect(body.title).toBe('Internal error');
    expect(body.detail).toMatch(/Reference: [0-9a-f-]{36}/);
    expect(response.body).not.toContain('9990001234');
    expect(logged.join('')).toMatch(/internal error/);
    expect(logged.join('')).not.toContain('9990001234');
  });

  it('uses the same error handling on the sign-in routes: malformed input gets a page naming it, not a raw error', async () => {
    const app = await server();
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    await app.close();
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('The request body is not valid JSON.');
  });

  it('serves the design system assets publicly and lets browsers cache them', async () => {
    const app = await server();
    const script = await app.inject('/assets/nhsuk/nhsuk-frontend.min.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toMatch(/max-age=86400/);
    expect((await app.inject('/assets/nhsuk/../../package.json')).statusCode).toBe(404);
    await app.close();
  });

  it('lists the sign-in API (/api/me) in the OpenAPI document', async () => {
    const app = await server();
    const doc = (await app.inject('/api/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toContain('/api/me');
    await app.close();
  });
});
