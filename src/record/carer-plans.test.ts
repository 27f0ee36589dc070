/**
 * A carer's plan as the staff page shows it (pure): its title, kind, the carer's name and phone (never a restricted
 * carer's phone), status and marking, period, what it says to do, who recorded it and when.
 */
import { describe, expect, it } from 'vitest';
import { carerPlanView, type ShownCarerPlan } from './carer-plans.js';

const shown = (
  overrides: Partial<ShownCarerPlan> = {},
  plan: Record<string, unknown> = {},
): ShownCarerPlan => ({
  plan: {
    resource: {
      resourceType: 'CarePlan',
      id: 'plan-1',
      status: 'active',
      title: 'If Peter cannot care',
      description: 'Call Ann first.',
      period: { start: '2026-01-10' },
      created: '2026-01-09',
      activity: [
        { detail: { status: 'not-started', description: 'Ann steps in the same day' } },
        { detail: { status: 'not-started', code: { text: 'Emergency home care' } } },
        { detail: { status: 'not-started' } },
      ],
      ...plan,
    },
    version: 1,
    lastUpdated: '2026-02-01T10:00:00.000Z',
    sourceOrganisation: 'B86001',
    patientId: 'carer',
  },
  decision: {
    shown: true,
    kind: 'carer-contingency-plan',
    hideOfCarer: [],
    current: true,
    purpose: 'direct-care',
    reason: 'Registered with B86001',
  },
  carerPatientId: 'carer',
  carerPersonId: undefined,
  carer: { name: 'Peter Carter', phone: '07700 900123' },
  ...overrides,
});

describe("a carer's plan on the page", () => {
  it('reads the plan and the carer', () => {
    expect(carerPlanView(shown())).toEqual({
      kind: 'Carer’s contingency plan',
      title: 'If Peter cannot care',
      carerName: 'Peter Carter',
      carerPhone: '07700 900123',
      restricted: false,
      status: 'active',
      current: true,
      period: '2026-01-10 to ongoing',
      description: 'Call Ann first.',
      activities: ['Ann steps in the same day', 'Emergency home care'],
      source: 'B86001',
      date: '2026-01-09',
    });
  });

  it('says a restricted carer’s details are withheld, and marks a plan no longer in force', () => {
    const view = carerPlanView(
      shown(
        {
          carer: { name: 'Peter Carter' },
          decision: {
            shown: true,
            kind: 'carer-support-plan',
            hideOfCarer: ['address', 'telecom', 'contact'],
            current: false,
            marking: 'Completed: no longer in force',
            purpose: 'direct-care',
            reason: 'Registered with B86001',
          },
        },
        { status: 'completed', title: undefined, created: undefined, period: { end: '2026-02-01' } },
      ),
    );
    expect(view).toMatchObject({
      kind: 'Carer’s support plan',
      title: 'Carer’s support plan',
      restricted: true,
      current: false,
      marking: 'Completed: no longer in force',
      period: 'until 2026-02-01',
      date: '2026-02-01',
    });
    expect(view.carerPhone).toBeUndefined();
  });
});
