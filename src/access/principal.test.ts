import { describe, expect, it } from 'vitest';
import { ANONYMOUS, decide, type Principal } from './principal.js';

const clinician: Principal = {
  kind: 'user',
  userId: 'u1',
  displayName: 'Dr A',
  organisation: 'leeds-teaching-hospitals',
  roles: ['R8000'],
  sessionId: 's1',
};
const partnerSystem: Principal = {
  kind: 'system',
  tokenId: 't1',
  organisation: 'leeds-city-council',
  scopes: ['partnership:read'],
};

describe('decide', () => {
  it('lets anyone through a public rule', () => {
    expect(decide('public', ANONYMOUS)).toBe('allow');
  });
  it('asks an anonymous caller to sign in for anything else', () => {
    expect(decide({ signedIn: true }, ANONYMOUS)).toBe('unauthenticated');
    expect(decide({ scope: 'partnership:read' }, ANONYMOUS)).toBe('unauthenticated');
  });
  it('checks roles for signed-in people', () => {
    expect(decide({ signedIn: true, anyRole: ['R8000'] }, clinician)).toBe('allow');
    expect(decide({ signedIn: true, anyRole: ['R0001'] }, clinician)).toBe('forbidden');
  });
  it('lets partner systems in only with the scope, and never into person-only routes', () => {
    expect(decide({ scope: 'partnership:read' }, partnerSystem)).toBe('allow');
    expect(decide({ scope: 'record:read' }, partnerSystem)).toBe('forbidden');
    expect(decide({ signedIn: true }, partnerSystem)).toBe('forbidden');
  });
});
