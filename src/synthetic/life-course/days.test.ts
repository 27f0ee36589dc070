import { describe, expect, it } from 'vitest';
import { ageInYears, dayAtAge, dayOf, dayOfDate, yearOf } from './days.js';

const MS_PER_DAY = 86_400_000;

/** The same questions answered through Date, the slow way the integer arithmetic replaced. */
const viaDate = {
  year: (day: number) => new Date(day * MS_PER_DAY).getUTCFullYear(),
  age(birth: number, day: number) {
    const b = new Date(birth * MS_PER_DAY);
    const d = new Date(day * MS_PER_DAY);
    const before =
      d.getUTCMonth() < b.getUTCMonth() ||
      (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate());
    return d.getUTCFullYear() - b.getUTCFullYear() - (before ? 1 : 0);
  },
};

describe('days', () => {
  it('gives the calendar year and the day of a date as Date does, for every day from 1800 to 2150', () => {
    // Past both ends of the table of 1850–2100, where the dates are worked out instead.
    for (let day = dayOf('1800-01-01'); day <= dayOf('2150-12-31'); day++) {
      const date = new Date(day * MS_PER_DAY);
      expect(yearOf(day)).toBe(date.getUTCFullYear());
      expect(dayOfDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(day);
    }
  });

  it('counts completed years of age, with birthdays on 29 February and the day before a birthday', () => {
    expect(ageInYears(dayOf('2000-02-29'), dayOf('2001-02-28'))).toBe(0);
    expect(ageInYears(dayOf('2000-02-29'), dayOf('2001-03-01'))).toBe(1);
    expect(ageInYears(dayOf('2000-02-29'), dayOf('2004-02-29'))).toBe(4);
    expect(ageInYears(dayOf('1950-06-30'), dayOf('2020-06-29'))).toBe(69);
    expect(ageInYears(dayOf('1950-06-30'), dayOf('2020-06-30'))).toBe(70);
    // And as Date counts them, over a spread of births and days (a fixed stride: no randomness in tests).
    for (let birth = dayOf('1900-01-01'); birth < dayOf('2025-12-31'); birth += 97) {
      for (let day = birth; day < birth + 40_000; day += 367) {
        expect(ageInYears(birth, day)).toBe(viaDate.age(birth, day));
      }
    }
    expect(ageInYears(dayOf('1990-01-01'), dayAtAge(dayOf('1990-01-01'), 30))).toBe(30);
  });
});
