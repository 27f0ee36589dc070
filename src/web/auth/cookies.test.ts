import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.js';
import { safeNext } from './plugin.js';

describe('cookies', () => {
  it('parses a Cookie header, first of a repeated name winning', () => {
    const cookies = parseCookies('a=1; accord_session=abc_-; a=2; junk; ="x"; q="quoted"');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('accord_session')).toBe('abc_-');
    expect(cookies.get('q')).toBe('quoted');
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('always writes HttpOnly, Secure and SameSite', () => {
    expect(serializeCookie('accord_session', 'tok', { maxAge: 60 })).toBe(
      'accord_session=tok; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax',
    );
    expect(() => serializeCookie('x', 'a;b')).toThrow(/base64url/);
  });
});

describe('safeNext', () => {
  it('keeps local paths with their query', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('/places?x=1')).toBe('/places?x=1');
  });
  it('refuses anything that could leave the site or loop back into signing in', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      'account',
      '/sign-in?next=/x',
      '/sign-out',
      '/auth/oidc/login',
      '/\u0000x',
      '',
      42,
      undefined,
    ]) {
      expect(safeNext(bad), String(bad)).toBeUndefined();
    }
  });
});
