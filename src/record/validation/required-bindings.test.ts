import { describe, expect, it } from 'vitest';
import type { OperationOutcomeIssue } from './fhir-types.js';
import { checkCoded } from './required-bindings.js';
import type { CodedKind, RequiredBinding } from './walk-plan.js';

// R4's base resources bind no Coding-typed element (required) to an enumerable value set, so the Coding branch is
// tested here directly, with a made-up binding.
const S = 'http://example.org/cs/colour';
const binding: RequiredBinding = {
  valueSet: 'http://example.org/vs/colour',
  codes: {
    systems: new Set([S]),
    systemCodes: new Set([`${S}|red`, `${S}|blue`]),
    codes: new Set(['red', 'blue']),
  },
};

function check(value: unknown, kind: CodedKind): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  checkCoded(value, kind, binding, 'X.colour', issues);
  return issues;
}

describe('checkCoded', () => {
  it('checks a Coding of the value set’s system', () => {
    expect(check({ system: S, code: 'red' }, 'Coding')).toEqual([]);
    expect(check({ system: S, code: 'green' }, 'Coding')).toMatchObject([
      { code: 'code-invalid', expression: ['X.colour.code'] },
    ]);
  });

  it('leaves a Coding of another system, or without a system, alone', () => {
    expect(check({ system: 'http://other', code: 'green' }, 'Coding')).toEqual([]);
    expect(check({ code: 'green' }, 'Coding')).toEqual([]);
  });

  it('checks every coding of a CodeableConcept, naming each', () => {
    const concept = { coding: [{ system: S, code: 'blue' }, { system: S, code: 'puce' }, 'junk'] };
    expect(check(concept, 'CodeableConcept')).toMatchObject([
      { code: 'code-invalid', expression: ['X.colour.coding[1].code'] },
    ]);
  });

  it('lists the allowed codes when there are few', () => {
    expect(check('green', 'code')[0]?.details?.text).toMatch(/Use one of: red, blue\./);
  });

  it('passes over values of the wrong JSON type (the structural check reports them)', () => {
    expect(check(42, 'code')).toEqual([]);
    expect(check('red', 'Coding')).toEqual([]);
    expect(check({ coding: 'x' }, 'CodeableConcept')).toEqual([]);
  });
});
