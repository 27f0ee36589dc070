/**
 * @module web/security-headers
 * Headers on every response: a strict Content Security Policy (scripts only from us, or inline with this
 * response's nonce), no framing, no MIME sniffing, no referrer leaking paths, and no caching of signed-in pages.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** A fresh nonce for this response's inline script (the NHS.UK template's js-enabled snippet). */
    cspNonce: string;
  }
}

export function securityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', (request, _reply, done) => {
    request.cspNonce = randomBytes(16).toString('base64');
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header(
      'content-security-policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${request.cspNonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
      ].join('; '),
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (options.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
