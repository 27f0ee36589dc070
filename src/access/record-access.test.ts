/**
 * The access matrix of the shared care record: every role against every kind of relationship, current or ended,
 * with and without dissent, a restricted record, and break-glass current or lapsed.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from './principal.js';
import { decideRecordAccess, type AccessRequest, type Relationship } from './record-access.js';

const AT = '2026-11-24T10:00:00Z';
const registered: Relationship = { kind: 'registration', organisation: 'B86001', from: '2019-04-01' };
const ended: Relationship = {
  kind: 'episode',
  organisation: 'B86001',
  from: '2020-01-01',
  until: '2026-11-23',
};
const elsewhere: Relationship = { kind: 'registration', organisation: 'RXF', from: '2019-04-01' };

const request = (overrides: Partial<AccessRequest>): AccessRequest => ({
  roles: ['R8000'],
  organisation: 'B86001',
  relationships: [registered],
  dissent: false,
  restricted: false,
  at: AT,
  ...overrides,
});

describe("who may see a person's shared care record", () => {
  it.each<[Role[], string]>([
    [['R8000'], 'clinical'],
    [['R8008'], 'demographics'],
    [['R8008', 'R8000'], 'clinical'],
  ])('%j with a current relationship sees %s data', (roles, scope) => {
    const decision = decideRecordAccess(request({ roles }));
    expect(decision).toMatchObject({ allowed: true, basis: 'relationship', scope, sources: 'all', hide: [] });
  });

  it.each<Role[]>([['R0001'], ['board-member'], ['analyst'], ['public'], []])(
    '%j sees nothing, relationship or not, and cannot break the glass',
    (...roles) => {
      const decision = decideRecordAccess(request({ roles }));
      expect(decision).toMatchObject({ allowed: false, breakGlassAvailable: false });
    },
  );

  it.each<[string, Relationship[]]>([
    ['none', []],
    ['one that ended yesterday', [ended]],
    ["another organisation's", [elsewhere]],
    ['one that starts tomorrow', [{ ...registered, from: '2026-11-25' }]],
  ])('refuses a clinician with %s relationship, offering break-glass', (_what, relationships) => {
    const decision = decideRecordAccess(request({ relationships }));
    expect(decision).toEqual({
      allowed: false,
      reason: 'Your organisation has no current care relationship with this person.',
      breakGlassAvailable: true,
    });
  });

  it('counts a relationship on its last day, and names it as the reason', () => {
    const decision = decideRecordAccess(request({ relationships: [{ ...ended, until: '2026-11-24' }] }));
    expect(decision).toMatchObject({ allowed: true, reason: 'Episode of care with B86001' });
  });

  it("shows a person who dissented only their own organisation's data", () => {
    expect(decideRecordAccess(request({ dissent: true }))).toMatchObject({
      allowed: true,
      sources: 'own-organisation',
    });
  });

  it('hides address and contact details of a restricted record on every basis', () => {
    const hide = ['address', 'telecom', 'contact'];
    expect(decideRecordAccess(request({ restricted: true }))).toMatchObject({ allowed: true, hide });
    const glass = decideRecordAccess(
      request({
        restricted: true,
        relationships: [],
        breakGlass: { reason: 'Unconscious in ED', expiresAt: '2026-11-24T14:00:00Z' },
      }),
    );
    expect(glass).toMatchObject({ allowed: true, basis: 'break-glass', hide });
  });

  it('lets a current break-glass grant see everything, dissent included, until it lapses', () => {
    const grant = { reason: 'Unconscious in ED', expiresAt: '2026-11-24T14:00:00Z' };
    expect(
      decideRecordAccess(request({ relationships: [], dissent: true, breakGlass: grant })),
    ).toMatchObject({
      allowed: true,
      basis: 'break-glass',
      sources: 'all',
      reason: 'Emergency access: Unconscious in ED',
    });
    const lapsed = decideRecordAccess(
      request({ relationships: [], breakGlass: { ...grant, expiresAt: AT } }),
    );
    expect(lapsed.allowed).toBe(false);
    // Break-glass is a clinician's: an admin's grant gives nothing.
    const admin = decideRecordAccess(request({ roles: ['R8008'], relationships: [], breakGlass: grant }));
    expect(admin.allowed).toBe(false);
  });
});
