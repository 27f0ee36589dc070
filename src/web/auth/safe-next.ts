/**
 * @module web/auth/safe-next
 * Where to send someone after they sign in: a path on this site only, so the sign-in page cannot be used as an
 * open redirect to another site.
 */

/**
 * A local path to go to after signing in, or undefined. Only paths on this site: never `//other.site`, `/\\other`
 * or a full URL, which would make the sign-in page an open redirect.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length === 0 || next.length > 1000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return undefined;
  // A backslash, even percent-encoded, is never part of an Accord path, and some clients decode it into a slash.
  if (/%5c/i.test(next)) return undefined;
  const base = 'http://accord.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  const path = `${url.pathname}${url.search}`;
  // Checked again after normalisation, which turns '/.//x', '/..//x' and '/%2e//x' into '//x' (another host, to a
  // browser); an encoded slash ('/%2f/x') is one decoding away from the same.
  if (/^\/(\/|\\|%2f)/i.test(path)) return undefined;
  if (/^\/(sign-in|sign-out|auth\/)/.test(path)) return undefined; // no loops back into signing in
  return path;
}
