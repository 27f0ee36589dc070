/**
 * @module core/result
 * Errors as values. Domain code returns a Result instead of throwing for anything a user can cause
 * (a bad file, a bad request, a wrong setting); exceptions are left for bugs and broken infrastructure.
 */

export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
