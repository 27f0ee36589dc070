/**
 * @module web/api-schemas
 * What the JSON API's routes share to describe themselves in the OpenAPI document: zod schemas as JSON Schema, and
 * the problem document every error is sent as.
 */
import { z } from 'zod';

/**
 * A zod schema as the JSON Schema (draft 7) Fastify serialises with and the OpenAPI document shows: `output` for what
 * is sent, `input` for what may be received (fields with defaults are optional there).
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  });
  return rest;
}

/** RFC 9457 problem document, as `sendProblem` writes it. */
export const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
        required: ['message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
} as const;
