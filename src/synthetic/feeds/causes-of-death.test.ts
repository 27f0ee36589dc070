import { describe, expect, it } from 'vitest';
import { loadLifeCourseReference } from '../life-course/reference.js';
import { CAUSES_OF_DEATH, type CauseOfDeath } from '../life-course/model.js';
import { createRandom } from '../random.js';
import { CAUSE_CODES, drawCauseCode, UNKNOWN_CAUSE } from './causes-of-death.js';

/**
 * Whether a three-character ICD-10 code is in a group as mortality.yaml writes it: ranges and codes separated by
 * spaces (`X60-X84 Y10-Y34 Y87.0 Y87.2`), with exceptions in brackets (`K00-R99 (less F01 F03 G30)`).
 */
function inGroup(code: string, group: string): boolean {
  const [included = '', excluded = ''] = group.split('(less');
  if (excluded.replace(')', '').trim().split(/\s+/).includes(code)) return false;
  return included
    .trim()
    .split(/\s+/)
    .some((part) => {
      const [from = '', to = from] = part.split('-');
      return code >= from.slice(0, 3) && code <= to.slice(0, 3);
    });
}

const reference = loadLifeCourseReference();
if (!reference.ok) throw new Error('the life-course reference does not load');
const groups = new Map(reference.value.mortality.causeCodes.map((c) => [c.cause, c.icd10.code]));

describe('causes of death in ICD-10', () => {
  it('every code is a three-character ICD-10 code within its cause’s group in the reference, once', () => {
    expect(inGroup('X70', 'X60-X84 Y10-Y34 Y87.0 Y87.2')).toBe(true);
    expect(inGroup('X85', 'X60-X84 Y10-Y34 Y87.0 Y87.2')).toBe(false);
    expect(inGroup('F03', 'A00-B99 D00-E90 F00-F99 G00-H95 K00-R99 (less F01 F03 G30)')).toBe(false);
    const seen = new Set<string>();
    for (const cause of CAUSES_OF_DEATH) {
      const group = groups.get(cause) ?? '';
      expect(group, cause).not.toBe('');
      for (const entry of CAUSE_CODES[cause]) {
        expect(entry.code, cause).toMatch(/^[A-Z]\d\d$/);
        expect(inGroup(entry.code, group), `${cause} ${entry.code}`).toBe(true);
        expect(entry.weight).toBeGreaterThan(0);
        expect(entry.display.length).toBeGreaterThan(3);
        expect(seen.has(entry.code), entry.code).toBe(false);
        seen.add(entry.code);
      }
    }
    // R99 is in no group but "other", as ONS counts it.
    expect(inGroup(UNKNOWN_CAUSE.code, groups.get('other') ?? '')).toBe(true);
  });

  it('every cause has a code for each age and sex, and draws only codes open to them', () => {
    const random = createRandom(1, 'causes-of-death-test');
    for (const cause of CAUSES_OF_DEATH) {
      for (let age = 0; age <= 110; age++) {
        for (const sex of ['female', 'male'] as const) {
          const open = CAUSE_CODES[cause].filter(
            (e) =>
              (e.from ?? 0) <= age && age <= (e.to ?? Infinity) && (e.sex === undefined || e.sex === sex),
          );
          expect(open.length, `${cause} ${age} ${sex}`).toBeGreaterThan(0);
          expect(open).toContain(drawCauseCode(cause, age, sex, random));
        }
      }
    }
  });

  it('draws by weight: most suicides are hangings (X70); infants die of immaturity, not old age', () => {
    const random = createRandom(2, 'causes-of-death-test');
    const draws = (cause: CauseOfDeath, age: number, sex: 'female' | 'male', n: number) =>
      Array.from({ length: n }, () => drawCauseCode(cause, age, sex, random).code);
    const suicides = draws('suicide', 40, 'male', 10_000);
    const share = suicides.filter((code) => code === 'X70').length / suicides.length;
    const total = CAUSE_CODES.suicide.reduce((sum, e) => sum + e.weight, 0);
    expect(share).toBeCloseTo((CAUSE_CODES.suicide.find((e) => e.code === 'X70')?.weight ?? 0) / total, 1);
    expect(share).toBeGreaterThan(0.5);
    // ONS counts undetermined intent (Y10–Y34) only from 15.
    expect(draws('suicide', 12, 'female', 2000).every((code) => code.startsWith('X'))).toBe(true);
    const infants = draws('other', 0, 'female', 2000);
    expect(infants).toContain('P07');
    expect(infants).not.toContain('R54');
    expect(draws('other', 90, 'male', 2000)).not.toContain('P07');
    expect(draws('cancer', 70, 'female', 2000)).not.toContain('C61');
    expect(draws('cancer', 70, 'male', 2000)).not.toContain('C50');
  });

  it('is the same for the same stream, and R99 when the truth gives no cause', () => {
    const code = (stream: string) => drawCauseCode('cancer', 67, 'male', createRandom(5, stream)).code;
    expect(code('feeds/deaths-register/P000000042')).toBe(code('feeds/deaths-register/P000000042'));
    const many = new Set(Array.from({ length: 50 }, (_, i) => code(`feeds/deaths-register/P${i}`)));
    expect(many.size).toBeGreaterThan(5);
    expect(drawCauseCode(undefined, 67, 'male', createRandom(5, 'x'))).toBe(UNKNOWN_CAUSE);
  });
});
