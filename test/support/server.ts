/**
 * The real server for a web test: one partnership on a test database, a fixed clock, no identity provider, logs
 * silent, the schema taken as current (the test database was just migrated).
 */
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/web/server.js';
import type { Database } from '../../src/store/index.js';

export function testServer(db: Database, partnershipId: string, now: Date): Promise<FastifyInstance> {
  return buildServer({
    db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId,
    schemaCurrent: async () => true,
    clock: () => now,
  });
}
