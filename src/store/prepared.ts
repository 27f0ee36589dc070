/**
 * @module store/prepared
 * Statements that every request runs — resolving a token or a session, reading a resource, writing the audit — are
 * planned once per connection instead of at every call: PostgreSQL spent about half its time planning these short
 * queries (bench/RESULTS.md, the FHIR API). Opt-in, one text at a time, so the statements each connection keeps
 * stay few and known; a text with `SELECT *` must not be marked, since a later migration adding a column would
 * change a kept plan's result.
 */

const names = new Map<string, string>();

/** Marks an SQL text to be prepared on each connection that runs it; returns the text unchanged. */
export function prepared(text: string): string {
  if (!names.has(text)) names.set(text, `accord_${String(names.size + 1)}`);
  return text;
}

/** The statement name of a text marked `prepared`, or undefined. */
export const preparedName = (text: string): string | undefined => names.get(text);
