/**
 * @module web/routes/upload-form
 * Forms that carry a file (`multipart/form-data`), parsed for the routes of one plugin only: a plugin calls
 * `acceptUploads(app)` in its own context and its routes then receive the form's text fields as strings and its
 * `file` field as `{ name, text }` (absent when no file was chosen). The parser runs before the CSRF check, which then
 * finds `_csrf` in the body as in any other form; a body over the limit is refused with 413 before it is read whole.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Uploads are partners' returns and budgets: a year of quarters for every partner of a large system fits many times over. */
export const UPLOAD_LIMIT = 4 * 1024 * 1024;

export interface UploadBody {
  readonly _csrf?: string;
  readonly file?: { readonly name: string; readonly text: string };
  /** The other text fields, as typed. */
  readonly [field: string]: string | { readonly name: string; readonly text: string } | undefined;
}

export function acceptUploads(app: FastifyInstance): void {
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
    async (request: FastifyRequest, body: Buffer): Promise<UploadBody> => {
      const contentType = request.headers['content-type'] ?? '';
      let form: FormData;
      try {
        // The platform's parser, deprecated for servers because it buffers the whole body: this body is already
        // buffered and bounded (UPLOAD_LIMIT). A streaming parser (@fastify/multipart) would read the form only after
        // the CSRF check has run and found no token, so the forms could not be protected as every other form is.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
      } catch {
        throw Object.assign(new Error('The form could not be read: send it again.'), { statusCode: 400 });
      }
      const fields: Record<string, string | { name: string; text: string }> = {};
      for (const [name, value] of form.entries()) {
        if (typeof value === 'string') fields[name] ??= value;
        else if (name === 'file' && value.size > 0)
          fields.file = { name: value.name, text: await value.text() };
      }
      return fields;
    },
  );
}
