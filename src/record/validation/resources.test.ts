import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from './definitions.js';
import { exampleResources } from './testing.js';
import { validateResource } from './validate.js';

beforeAll(() => {
  loadDefinitions();
});

const byType = exampleResources.map((resource) => [resource.resourceType, resource] as const);

describe('whole valid resources of the common types', () => {
  it.each(byType)('a valid %s passes', (_type, resource) => {
    const result = validateResource(resource);
    expect(result.ok ? [] : result.error.issue).toEqual([]);
  });

  it.each(byType.filter(([, resource]) => typeof resource.status === 'string'))(
    'a %s with a status outside its required value set fails at .status',
    (type, resource) => {
      const result = validateResource({ ...resource, status: 'not-a-status' });
      expect(result.ok ? [] : result.error.issue).toMatchObject([
        { severity: 'error', code: 'code-invalid', expression: [`${type}.status`] },
      ]);
    },
  );
});

describe('the definitions', () => {
  it('know the R4 resource types and no abstract ones', () => {
    const { resourceTypes } = loadDefinitions();
    for (const [type] of byType) expect(resourceTypes.has(type)).toBe(true);
    expect(resourceTypes.has('Resource')).toBe(false);
    expect(resourceTypes.has('DomainResource')).toBe(false);
  });

  it('enumerate the value sets of the usual required bindings', () => {
    const { enumerated } = loadDefinitions().valueSets;
    for (const url of [
      'http://hl7.org/fhir/ValueSet/administrative-gender',
      'http://hl7.org/fhir/ValueSet/observation-status',
      'http://hl7.org/fhir/ValueSet/allergyintolerance-clinical',
      'http://hl7.org/fhir/ValueSet/encounter-status',
      'http://hl7.org/fhir/ValueSet/identifier-use',
    ])
      expect(enumerated.get(url)?.codes.size, url).toBeGreaterThan(1);
  });

  it('are loaded once: a second call returns the same object', () => {
    expect(loadDefinitions()).toBe(loadDefinitions());
  });
});
