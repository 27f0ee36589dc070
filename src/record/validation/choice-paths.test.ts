import { describe, expect, it } from 'vitest';
import { resolveChoicePath } from './choice-paths.js';

describe('resolveChoicePath', () => {
  const observation = {
    resourceType: 'Observation',
    valueQuantity: { value: 'a' },
    component: [{ code: {} }, { valueCodeableConcept: { coding: [] } }],
    extension: [{ url: 'x', valueString: 5 }],
  };

  it.each([
    ['Observation.value[x].value', 'Observation.valueQuantity.value'],
    ['Observation.component[1].value[x].coding', 'Observation.component[1].valueCodeableConcept.coding'],
    ['Observation.extension[0].value[x]', 'Observation.extension[0].valueString'],
    ['Observation.status', 'Observation.status'],
  ])('%s → %s', (reported, expected) => {
    expect(resolveChoicePath(observation, reported)).toBe(expected);
  });

  it('leaves a path alone when the resource does not lead there', () => {
    expect(resolveChoicePath(observation, 'Observation.effective[x]')).toBe('Observation.effective[x]');
    expect(resolveChoicePath(observation, 'Observation.component[5].value[x]')).toBe(
      'Observation.component[5].value[x]',
    );
    expect(resolveChoicePath('junk', 'Observation.value[x]')).toBe('Observation.value[x]');
  });
});
