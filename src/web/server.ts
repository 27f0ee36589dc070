/**
 * @module web/server
 * One Fastify server for the JSON API (/api, with its OpenAPI document), the public pages and sign-in.
 * A thin edge: routes parse and check input, call the domain modules, and turn their results into responses.
 *
 * Every route must declare who may call it (`config.access`): the server refuses to start with a route that does
 * not, and one hook applies the rule to every request before its handler runs. Deny by default.
 */
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DiscoveryRequestOptions } from 'openid-client';
import type { Clock, LockoutPolicy } from '../access/index.js';
import { ANONYMOUS, decide, type AccessRule, type Principal } from '../access/principal.js';
import type { Config } from '../core/config.js';
import { packageRoot, packageVersion } from '../core/paths.js';
import { problem, type Problem } from '../core/problem.js';
import type { Database } from '../store/database.js';
import type { ImportJobs } from '../record/import/jobs.js';
import type { PopulationResults } from '../population/indicators/results-file.js';
import type { PlaceMap } from './charts/boundary-map.js';
import { authPlugin } from './auth/plugin.js';
import { isApiPath, replyWithProblem } from './problem.js';
import { governanceApi } from './routes/governance-api.js';
import { governancePages } from './routes/governance-pages.js';
import { meetingsPages } from './routes/meetings-pages.js';
import { decisionsPages } from './routes/decisions-pages.js';
import { peerReviewPages } from './routes/peer-review-pages.js';
import { outcomesApi } from './routes/outcomes-api.js';
import { outcomesPages } from './routes/outcomes-pages.js';
import { annualReportPages } from './routes/annual-report-pages.js';
import { transformationPages } from './routes/transformation-pages.js';
import { budgetPages } from './routes/budget-pages.js';
import { poolsPages } from './routes/pools-pages.js';
import { ledgerPages } from './routes/ledger-pages.js';
import { fhirApi } from './routes/fhir.js';
import { identityApi } from './routes/identity-api.js';
import { recordApi } from './routes/record-api.js';
import type { RiskScores } from '../record/case-finding.js';
import { recordPages } from './routes/record-pages.js';
import { myRecordPages } from './routes/my-record-pages.js';
import { caseFindingPages } from './routes/case-finding-pages.js';
import { recordAuditor, type RecordAuditor } from './routes/record-audit.js';
import { recordRepository } from '../record/index.js';
import { identityPages } from './routes/identity-pages.js';
import { healthRoutes } from './routes/health.js';
import { partnershipApi } from './routes/partnership-api.js';
import { partnershipPages } from './routes/partnership-pages.js';
import { populationPages } from './routes/population-pages.js';
import { carersPages } from './routes/carers-pages.js';
import { segmentationPages } from './routes/segmentation-pages.js';
import { workforcePages } from './routes/workforce-pages.js';
import { fairSharesPages } from './routes/fair-shares-pages.js';
import { securityHeaders } from './security-headers.js';
import { designSystemCss } from './stylesheet.js';
import { createViews, nhsukDist } from './views.js';
import type nunjucks from 'nunjucks';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Required on every route. */
    access?: AccessRule;
    /**
     * The page holds a form anyone may post without signing in (a question from the public): an anonymous visitor
     * gets a pre-session CSRF token for it, as on the sign-in page.
     */
    anonymousForm?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyReply {
    /** Renders a page template with the common context (partnership, principal, CSRF token, CSP nonce). */
    page(template: string, context: Record<string, unknown>): Promise<FastifyReply>;
  }
}

export interface ServerDeps {
  readonly db: Database;
  readonly config: Pick<Config, 'logLevel' | 'publicUrl' | 'oidc' | 'nhsLogin'>;
  /** The id of the partnership this server presents. */
  readonly partnershipId: string;
  /** Whether the store's schema is up to date, for /ready. */
  readonly schemaCurrent: () => Promise<boolean>;
  /** Log destination; tests pass a stream to inspect what is logged. */
  readonly logStream?: NodeJS.WritableStream;
  /** What time it is: sessions, lock-outs and tokens expire by it. Tests pass a clock they move on. */
  readonly clock?: Clock;
  /** The sign-in lock-out (default: 5 failures in 15 minutes lock for 15 minutes). */
  readonly lockout?: LockoutPolicy;
  /** openid-client discovery options (tests point them at a local provider over http). */
  readonly oidcDiscovery?: DiscoveryRequestOptions;
  /** The FHIR `$import` jobs (absent: `$import` is not offered); queued and interrupted ones resume at start. */
  readonly imports?: ImportJobs;
  /** The computed population health indicators (absent: none built yet; the pages say how to build them). */
  readonly population?: PopulationResults | undefined;
  /** The map of the places from boundary files (ACCORD_BOUNDARIES); absent: the tile map. */
  readonly placeMap?: PlaceMap | undefined;
  /**
   * The pseudonym key and each person's risk score (population/store/risk-scores.ts), for care teams' case-finding
   * lists; absent: the list page says how to compute them.
   */
  readonly riskScores?: RiskScores | undefined;
}

/** Shared by route modules: the dependencies and the page renderer. */
export interface AppContext extends ServerDeps {
  readonly views: nunjucks.Environment;
  /** The shared care record's audit: one writer per server, so every edge's accesses join one group commit. */
  readonly recordAudit: RecordAuditor;
}

const ONE_MEBIBYTE = 1024 * 1024;
const FORM_BODY_LIMIT = 64 * 1024;
const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/** Errors Fastify raises for a bad request, as the problem to show and its status. */
function knownRequestProblem(error: FastifyError): { problem: Problem; status?: number } | undefined {
  if (error.validation !== undefined) {
    return {
      problem: problem(
        'bad-input',
        'The request does not match the API schema.',
        'Correct the fields listed in `issues` and send it again.',
        error.validation.map((v) => ({
          path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
          message: v.message ?? 'is not valid',
        })),
      ),
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        problem: problem(
          'bad-input',
          'The request body is too large.',
          'Send at most 1 MiB of JSON or 64 KiB of form data.',
        ),
        status: 413,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        problem: problem('bad-input', 'This content type is not accepted here.', 'Send JSON or a form.'),
        status: 415,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        problem: problem('bad-input', 'The request body is not valid JSON.', 'Send a JSON document.'),
      };
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return {
          problem: problem('bad-input', 'There is a problem with the request.', error.message),
          status: error.statusCode,
        };
      }
      return undefined;
  }
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: ONE_MEBIBYTE,
    trustProxy: false,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    logger: {
      level: deps.config.logLevel,
      ...(deps.logStream === undefined ? {} : { stream: deps.logStream }),
      // Logs never hold personal data: a request is logged by its route pattern (`/api/people/:id`, not the id),
      // never its query string, headers or body.
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          route: request.routeOptions.url ?? '(no route)',
        }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      },
    },
  });
  const views = createViews();
  const recordAudit = recordAuditor(deps.db, recordRepository(deps.db));
  const context: AppContext = { ...deps, views, recordAudit };
  // Closing the server writes what the audit still holds before the pool goes.
  app.addHook('onClose', () => recordAudit.close());

  securityHeaders(app, { https: deps.config.publicUrl.protocol === 'https:' });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });

  app.decorateReply('page', async function (this, template: string, pageContext: Record<string, unknown>) {
    const body = views.render(template, {
      ...pageContext,
      principal: this.request.principal,
      csrfToken: this.request.csrfToken,
      cspNonce: this.request.cspNonce,
      currentUrl: this.request.url,
    });
    return this.type('text/html; charset=utf-8').send(body);
  });

  // The error and not-found handlers come first, so every route registered after — sign-in included — uses them.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const known = knownRequestProblem(error);
    if (known !== undefined) return replyWithProblem(request, reply, known.problem, known.status);
    // Not the caller's fault. The message is left out of the log: a database error quotes the values it choked on,
    // which may be personal data. The type, code and stack frames are enough to find the fault.
    request.log.error(
      { err: { type: error.name, code: error.code, stack: error.stack?.split('\n').slice(1).join('\n') } },
      'internal error',
    );
    reply.status(500);
    return isApiPath(request.url)
      ? reply.type('application/problem+json').send({
          type: 'about:blank',
          title: 'Internal error',
          status: 500,
          detail: `Something went wrong on our side. Reference: ${request.id}`,
          instance: request.url.split('?')[0],
        })
      : reply.page('error.njk', {
          title: 'Sorry, there is a problem with the service',
          detail: 'Try again later.',
          reference: request.id,
        });
  });

  app.setNotFoundHandler(async (request, reply) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', 'Page not found', 'Check the address, or start from the partnership home page.'),
    ),
  );

  // Static assets (the NHS.UK design system's CSS, JS and icons, and Accord's own few) are public. They are
  // registered in their own context, which marks its routes public, before the deny-by-default rule below exists.
  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await assets.register(fastifyStatic, {
      root: join(nhsukDist, 'nhsuk'),
      prefix: '/assets/nhsuk/',
      decorateReply: false,
      allowedPath: (path) => /\.(css|js|mjs|map|svg|png|ico|woff2?|json)$/.test(path),
      maxAge: ONE_DAY_MS,
    });
    await assets.register(fastifyStatic, {
      root: join(packageRoot, 'src', 'web', 'assets'),
      prefix: '/assets/',
      decorateReply: false,
    });
  });

  // Deny by default: from here on, a route without an access rule is a programming error, caught at start-up.
  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(
        `Route ${route.method.toString()} ${route.url} declares no access rule (config.access)`,
      );
    }
  });

  // Before any route that should appear in the OpenAPI document (sign-in's /api/me included).
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accord API',
        version: packageVersion,
        description:
          'The partnership as data, proposals routed by subsidiarity, and (in later releases) meetings, outcomes and money. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A partner system token (accord token create)',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'accord_session' },
        },
      },
    },
  });

  // Every request starts anonymous; the auth plugin's hook replaces that with a session's user or a token's system.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', (request, _reply, done) => {
    request.principal = ANONYMOUS;
    done();
  });
  await app.register(authPlugin, context);

  // The access rule, applied as soon as the caller is known: before the body is parsed or validated, so a caller
  // who may not use a route learns nothing about it, and before any hook a route adds for itself.
  app.addHook('onRequest', async (request, reply) => {
    // No route matched: let the not-found handler answer 404 rather than deny a route that does not exist.
    if (request.is404) return;
    const rule = request.routeOptions.config.access;
    const decision = rule === undefined ? 'forbidden' : decide(rule, request.principal);
    if (decision === 'allow') return;
    if (!isApiPath(request.url) && decision === 'unauthenticated') {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    const denied: Problem =
      decision === 'unauthenticated'
        ? problem('unauthenticated', 'You need to sign in, or send a bearer token, to use this.')
        : problem('forbidden', 'You do not have permission to use this.');
    return replyWithProblem(request, reply, denied);
  });

  const stylesheet = designSystemCss();
  app.get(
    '/assets/nhsuk-frontend.css',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(stylesheet),
  );
  app.get(
    '/api/openapi.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()),
  );
  await app.register(healthRoutes, context);
  await app.register(partnershipPages, context);
  await app.register(populationPages, context);
  await app.register(carersPages, context);
  await app.register(segmentationPages, context);
  await app.register(workforcePages, context);
  await app.register(
    fairSharesPages(() => deps.population?.fairShares),
    context,
  );
  await app.register(
    outcomesPages(() => deps.population),
    context,
  );
  await app.register(
    outcomesApi(() => deps.population),
    context,
  );
  await app.register(
    annualReportPages(() => deps.population),
    context,
  );
  await app.register(transformationPages, context);
  await app.register(budgetPages, context);
  await app.register(poolsPages, context);
  await app.register(ledgerPages, context);
  await app.register(partnershipApi, context);
  await app.register(governancePages, context);
  await app.register(meetingsPages, context);
  await app.register(decisionsPages, context);
  await app.register(peerReviewPages, context);
  await app.register(governanceApi, context);
  await app.register(identityPages, context);
  await app.register(identityApi, context);
  await app.register(recordApi, context);
  await app.register(recordPages, context);
  await app.register(myRecordPages, context);
  await app.register(caseFindingPages, context);
  // In its own context: FHIR's media types and its not-found answer apply under /fhir only.
  await app.register(fhirApi, { ...context, prefix: '/fhir' });
  return app;
}
