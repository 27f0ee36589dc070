/**
 * The references a resource makes: every relative one found with its FHIRPath, the harmless kinds passed over, and
 * the kinds the record cannot resolve refused with where they are.
 */
import { describe, expect, it } from 'vitest';
import { literalReferences } from './references.js';

describe('literalReferences', () => {
  it('finds relative references at any depth, with their paths, and passes over contained and absolute ones', () => {
    const found = literalReferences({
      resourceType: 'Encounter',
      subject: { reference: 'Patient/abc-1' },
      participant: [
        { individual: { reference: 'Practitioner/p.2/_history/3' } },
        { individual: { reference: '#pr' } },
      ],
      serviceProvider: { reference: 'https://ods.example/Organization/RR8' },
    });
    expect(found).toEqual({
      ok: true,
      value: [
        { path: 'Encounter.subject.reference', type: 'Patient', id: 'abc-1' },
        { path: 'Encounter.participant[0].individual.reference', type: 'Practitioner', id: 'p.2' },
      ],
    });
  });

  it.each([
    ['urn:uuid:0f3a0000-0000-4000-8000-000000000001', 'unprocessable', /transaction/],
    ['Patient?identifier=x|1', 'unprocessable', /Conditional/],
    ['patient/1', 'invalid', /Type\/id/],
    ['Patient/', 'invalid', /Type\/id/],
  ])('refuses %s, naming the element', (reference, kind, message) => {
    const found = literalReferences({ resourceType: 'Observation', subject: { reference } });
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.error.kind).toBe(kind);
    expect(found.error.message).toMatch(message);
    expect(found.error.expression).toBe('Observation.subject.reference');
  });
});
