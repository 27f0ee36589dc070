import { describe, expect, it } from 'vitest';
import { searchParameters } from './parameters.js';
import { conditionSql, planSearch, SqlBuilder } from './query.js';

const table = searchParameters();
const plan = (type: string, query: string) => planSearch(table, type, [...new URLSearchParams(query)]);

describe('planning a FHIR search', () => {
  it('reads tokens in all four forms, ORs commas and keeps repeated parameters apart (AND)', () => {
    const result = plan('Observation', 'code=http://loinc.org|1234-5,|abc&code=sys|&status=final');
    expect(result.ok && result.value.conditions).toEqual([
      {
        type: 'token',
        code: 'code',
        values: [
          { system: 'http://loinc.org', code: '1234-5' },
          { system: null, code: 'abc' },
        ],
      },
      { type: 'token', code: 'code', values: [{ system: 'sys', code: undefined }] },
      { type: 'token', code: 'status', values: [{ system: undefined, code: 'final' }] },
    ]);
  });

  it('reads date prefixes, string modifiers, typed references and the result parameters', () => {
    const result = plan(
      'Encounter',
      'date=ge2026-01&patient=Patient/p1&_count=5&_offset=10&_sort=-date&_include=Encounter:patient&_total=accurate',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.conditions[0]).toMatchObject({
      type: 'date',
      values: [{ prefix: 'ge', low: '2026-01-01T00:00:00.000Z' }],
    });
    expect(result.value.conditions[1]).toEqual({
      type: 'reference',
      code: 'patient',
      values: [{ type: 'Patient', id: 'p1' }],
    });
    expect(result.value).toMatchObject({
      count: 5,
      offset: 10,
      sort: [{ key: 'date', descending: true }],
      include: ['patient'],
      total: true,
    });
    const exact = plan('Patient', 'family:exact=Smith');
    expect(exact.ok && exact.value.conditions[0]).toEqual({
      type: 'string',
      code: 'family',
      match: 'exact',
      values: ['smith'],
    });
  });

  it.each([
    ['Patient', 'colour=blue', 'colour'],
    ['Patient', 'birthdate=03/02/1980', 'birthdate'],
    ['Patient', '_count=5000', '_count'],
    ['Patient', '_sort=family', '_sort'],
    ['Patient', 'gender:not=male', 'gender:not'],
    ['Patient', 'family=', 'family'],
    ['Encounter', '_include=Patient:organization', '_include'],
    ['Encounter', 'patient=http://x/Patient/1', 'patient'],
  ])('refuses %s?%s, naming %s', (type, query, name) => {
    const result = plan(type, query);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.expression).toBe(name);
  });

  it('binds every value as a parameter, never into the SQL text', () => {
    const result = plan('Patient', "family=o'brien%&identifier=a|b");
    if (!result.ok) throw new Error('plan failed');
    const sql = new SqlBuilder();
    const text = result.value.conditions.map((condition) => conditionSql(sql, condition)).join(' AND ');
    expect(text).not.toContain('brien');
    expect([...sql.params].sort()).toEqual(['a', 'b', 'family', 'identifier', "o'brien\\%%"]);
    // The LIKE pattern escapes the value's own % so it matches a literal percent sign.
    expect(text).toMatch(/s\.value LIKE \$\d+/);
  });
});
