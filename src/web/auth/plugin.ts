/**
 * @module web/auth/plugin
 * TEMPORARY: resolves every request as anonymous until the access foundation lands (sessions, tokens, CSRF).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../server.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token to put in this page's forms (empty when the page has none to protect). */
    csrfToken: string;
  }
}

export const authPlugin = fp(async (app: FastifyInstance, _ctx: AppContext) => {
  app.decorateRequest('csrfToken', '');
});
