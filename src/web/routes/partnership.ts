/**
 * @module web/routes/partnership
 * TEMPORARY home page until the partnership pages land.
 */
import type { FastifyInstance } from 'fastify';
import { readPartnership } from '../../partnership/index.js';
import type { AppContext } from '../server.js';

export async function partnershipRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const partnership = await readPartnership(ctx.db, ctx.partnershipId);
    return reply.page('error.njk', {
      title: partnership?.info.name ?? 'Accord',
      partnership: partnership?.info,
    });
  });
}
