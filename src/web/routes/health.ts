/**
 * @module web/routes/health
 * /health: the process is up (for a liveness probe). /ready: the database answers and its schema is current
 * (for a readiness probe or a load balancer): 503 until both hold.
 */
import type { FastifyInstance } from 'fastify';
import { problem } from '../../core/problem.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['operations'],
        response: { 200: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: the database is reachable and its schema is current',
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { const: 'ready' },
              database: { const: 'ok' },
              migrations: { const: 'current' },
            },
            required: ['status', 'database', 'migrations'],
          },
        },
      },
    },
    async (_request, reply) => {
      if (!(await ctx.db.ping())) {
        return sendProblem(
          reply,
          problem('unavailable', 'The database is not reachable.', 'Check the database server.'),
        );
      }
      if (!(await ctx.schemaCurrent())) {
        return sendProblem(
          reply,
          problem(
            'unavailable',
            'The database schema is not current.',
            'Restart Accord so it applies its migrations.',
          ),
        );
      }
      return { status: 'ready' as const, database: 'ok' as const, migrations: 'current' as const };
    },
  );
}
