import { describe, expect, it } from 'vitest';
import { indexValueSets, withoutVersion } from './value-sets.js';

const S = 'http://example.org/cs/status';
const bundle = {
  resourceType: 'Bundle',
  entry: [
    {
      resource: {
        resourceType: 'CodeSystem',
        url: S,
        content: 'complete',
        concept: [{ code: 'a', concept: [{ code: 'a1', concept: [{ code: 'a1x' }] }] }, { code: 'b' }],
      },
    },
    {
      resource: {
        resourceType: 'CodeSystem',
        url: 'http://example.org/cs/part',
        content: 'fragment',
        concept: [{ code: 'p' }],
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/whole',
        compose: { include: [{ system: S }] },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/listed',
        compose: { include: [{ system: 'http://snomed.info/sct', concept: [{ code: '123' }] }] },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/excluding',
        compose: { include: [{ system: S }], exclude: [{ system: S, concept: [{ code: 'b' }] }] },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/imports',
        compose: {
          include: [
            { valueSet: ['http://example.org/vs/listed|1.0'] },
            { valueSet: ['http://example.org/vs/whole'] },
          ],
        },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/filtered',
        compose: {
          include: [
            { system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '1' }] },
          ],
        },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/snomed',
        compose: { include: [{ system: 'http://snomed.info/sct' }] },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/fragment',
        compose: { include: [{ system: 'http://example.org/cs/part' }] },
      },
    },
    {
      resource: {
        resourceType: 'ValueSet',
        url: 'http://example.org/vs/imports-filtered',
        compose: { include: [{ valueSet: ['http://example.org/vs/filtered'] }] },
      },
    },
    { resource: { resourceType: 'ValueSet', url: 'http://example.org/vs/bare' } },
  ],
};

describe('indexValueSets', () => {
  const index = indexValueSets(bundle);
  const codesOf = (url: string): string[] => [...(index.enumerated.get(url)?.systemCodes ?? [])].sort();

  it('enumerates a whole code system, nested concepts included', () => {
    expect(codesOf('http://example.org/vs/whole')).toEqual([`${S}|a`, `${S}|a1`, `${S}|a1x`, `${S}|b`]);
    expect([...(index.enumerated.get('http://example.org/vs/whole')?.codes ?? [])].sort()).toEqual([
      'a',
      'a1',
      'a1x',
      'b',
    ]);
    expect([...(index.enumerated.get('http://example.org/vs/whole')?.systems ?? [])]).toEqual([S]);
  });

  it('enumerates listed concepts even from a code system it does not hold', () => {
    expect(codesOf('http://example.org/vs/listed')).toEqual(['http://snomed.info/sct|123']);
  });

  it('takes out excluded codes', () => {
    expect(codesOf('http://example.org/vs/excluding')).toEqual([`${S}|a`, `${S}|a1`, `${S}|a1x`]);
  });

  it('follows included value sets, ignoring their versions', () => {
    expect(codesOf('http://example.org/vs/imports')).toHaveLength(5);
  });

  it('skips what cannot be enumerated offline, saying why', () => {
    expect(Object.fromEntries(index.skipped)).toEqual({
      'http://example.org/vs/filtered': 'filter',
      'http://example.org/vs/snomed': 'unknown-system',
      'http://example.org/vs/fragment': 'unknown-system',
      'http://example.org/vs/imports-filtered': 'unknown-value-set',
      'http://example.org/vs/bare': 'no-compose',
    });
  });

  it('survives input that is not a bundle', () => {
    expect(indexValueSets(null).enumerated.size).toBe(0);
    expect(indexValueSets({ entry: 'x' }).enumerated.size).toBe(0);
  });

  it('drops a version suffix from a canonical URL', () => {
    expect(withoutVersion('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1')).toBe(
      'http://hl7.org/fhir/ValueSet/administrative-gender',
    );
    expect(withoutVersion('http://x/y')).toBe('http://x/y');
  });
});
