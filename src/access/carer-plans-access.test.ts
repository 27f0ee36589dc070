/**
 * Who may see a carer's plans on the record of the person they care for: through a relationship with the cared-for
 * person, not without one; the carer's and the cared-for person's dissent; a restricted carer; break-glass; roles
 * that see demographics only; plans that are not carers' plans, that name someone else, or are not current.
 */
import { describe, expect, it } from 'vitest';
import {
  CARER_PLAN_SYSTEM,
  carerPlanKind,
  decideCarerPlanAccess,
  type CarerPlanFacts,
  type CarerPlanRequest,
} from './carer-plans-access.js';
import type { Role } from './principal.js';
import { decideRecordAccess, type AccessRequest, type Relationship } from './record-access.js';

const AT = '2026-11-24T10:00:00Z';
const CARED_FOR = 'patient-cared-for';
const episode: Relationship = { kind: 'episode', organisation: 'RXF', from: '2026-11-01' };

const plan = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'CarePlan',
  status: 'active',
  intent: 'plan',
  category: [{ coding: [{ system: CARER_PLAN_SYSTEM, code: 'carer-contingency-plan' }] }],
  subject: { reference: 'Patient/patient-carer' },
  supportingInfo: [{ reference: `Patient/${CARED_FOR}` }],
  period: { start: '2026-01-01' },
  ...overrides,
});

const caredFor = (overrides: Partial<AccessRequest> = {}) =>
  decideRecordAccess({
    roles: ['R8000'],
    organisation: 'RXF',
    relationships: [episode],
    dissent: false,
    restricted: false,
    at: AT,
    ...overrides,
  });

const request = (
  overrides: Partial<AccessRequest> = {},
  facts: Partial<CarerPlanFacts> = {},
): CarerPlanRequest => ({
  caredFor: caredFor(overrides),
  organisation: overrides.organisation ?? 'RXF',
  caredForPatientIds: [CARED_FOR],
  facts: {
    plan: plan(),
    sourceOrganisation: 'B86001',
    carerDissent: false,
    carerRestricted: false,
    ...facts,
  },
  at: AT,
});

describe("who may see a carer's plans on the cared-for person's record", () => {
  it("shows a clinician with a current relationship with the cared-for person the carer's plan", () => {
    expect(decideCarerPlanAccess(request())).toEqual({
      shown: true,
      kind: 'carer-contingency-plan',
      hideOfCarer: [],
      current: true,
      purpose: 'direct-care',
      reason: 'Episode of care with RXF',
    });
  });

  it.each<[string, Relationship[]]>([
    ['no relationship', []],
    ['a relationship that has ended', [{ ...episode, until: '2026-11-20' }]],
    ["another organisation's relationship", [{ ...episode, organisation: 'B86001' }]],
  ])('refuses a clinician with %s', (_what, relationships) => {
    expect(decideCarerPlanAccess(request({ relationships }))).toEqual({
      shown: false,
      reason: 'Your organisation has no current care relationship with this person.',
    });
  });

  it.each<[Role[]]>([[['R8008']], [['R0001']], [['analyst']], [['public']]])(
    'refuses %j: a carer’s plan is not demographics',
    (roles) => {
      expect(decideCarerPlanAccess(request({ roles }))).toMatchObject({ shown: false });
    },
  );

  it("limits a dissenting carer's plans to those the viewer's own organisation recorded", () => {
    expect(decideCarerPlanAccess(request({}, { carerDissent: true }))).toEqual({
      shown: false,
      reason: 'The carer has asked that their record is not shared between organisations.',
    });
    expect(
      decideCarerPlanAccess(request({}, { carerDissent: true, sourceOrganisation: 'rxf' })),
    ).toMatchObject({ shown: true });
  });

  it('limits them so when the cared-for person dissents, too', () => {
    expect(decideCarerPlanAccess(request({ dissent: true }))).toMatchObject({ shown: false });
    expect(decideCarerPlanAccess(request({ dissent: true }, { sourceOrganisation: 'RXF' }))).toMatchObject({
      shown: true,
    });
  });

  it("never shows a restricted carer's address, telecom or contact details, whatever the basis", () => {
    expect(decideCarerPlanAccess(request({}, { carerRestricted: true }))).toMatchObject({
      shown: true,
      hideOfCarer: ['address', 'telecom', 'contact'],
    });
  });

  it("shows every carer's plan, dissent or not, after break-glass on the cared-for person, with its reason", () => {
    const decision = decideCarerPlanAccess(
      request(
        {
          relationships: [],
          breakGlass: { reason: 'Carer admitted; who looks after her?', expiresAt: '2026-11-24T14:00:00Z' },
        },
        { carerDissent: true, carerRestricted: true },
      ),
    );
    expect(decision).toMatchObject({
      shown: true,
      purpose: 'Carer admitted; who looks after her?',
      hideOfCarer: ['address', 'telecom', 'contact'],
    });
    const lapsed = request({
      relationships: [],
      breakGlass: { reason: 'Carer admitted', expiresAt: '2026-11-24T09:00:00Z' },
    });
    expect(decideCarerPlanAccess(lapsed)).toMatchObject({ shown: false });
  });

  it('shows only carers’ plans that name the cared-for person, never entered in error', () => {
    const other = { system: 'http://snomed.info/sct', code: '734163000' };
    expect(
      decideCarerPlanAccess(request({}, { plan: plan({ category: [{ coding: [other] }] }) })),
    ).toMatchObject({ shown: false });
    expect(
      decideCarerPlanAccess(
        request({}, { plan: plan({ supportingInfo: [{ reference: 'Patient/someone-else' }] }) }),
      ),
    ).toMatchObject({ shown: false });
    expect(decideCarerPlanAccess(request({}, { plan: plan({ status: 'entered-in-error' }) }))).toMatchObject({
      shown: false,
    });
  });

  it.each([
    ['draft', {}, 'Draft: not yet agreed'],
    ['on-hold', {}, 'On hold'],
    ['revoked', {}, 'Withdrawn: no longer in force'],
    ['completed', {}, 'Completed: no longer in force'],
    ['active', { period: { start: '2025-01-01', end: '2026-11-23' } }, 'Its period has ended'],
  ])('shows a %s plan, marked', (status, more, marking) => {
    expect(decideCarerPlanAccess(request({}, { plan: plan({ status, ...more }) }))).toMatchObject({
      shown: true,
      current: false,
      marking,
    });
  });

  it('reads the kind of plan from its category', () => {
    expect(carerPlanKind(plan())).toBe('carer-contingency-plan');
    expect(
      carerPlanKind(
        plan({ category: [{ coding: [{ system: CARER_PLAN_SYSTEM, code: 'carer-support-plan' }] }] }),
      ),
    ).toBe('carer-support-plan');
    expect(carerPlanKind(plan({ category: [{ coding: [{ code: 'carer-support-plan' }] }] }))).toBeUndefined();
  });
});
