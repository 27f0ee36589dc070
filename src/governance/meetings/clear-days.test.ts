/**
 * Five clear days and England and Wales's bank holidays, against the dates gov.uk publishes.
 */
import { describe, expect, it } from 'vitest';
import {
  bankHolidays,
  clearDaysBetween,
  easterSunday,
  isWorkingDay,
  latestPublicationDay,
} from './clear-days.js';

const sorted = (year: number) => [...bankHolidays(year)].sort();

describe('bank holidays (gov.uk/bank-holidays)', () => {
  it('2025', () => {
    expect(sorted(2025)).toEqual([
      '2025-01-01',
      '2025-04-18',
      '2025-04-21',
      '2025-05-05',
      '2025-05-26',
      '2025-08-25',
      '2025-12-25',
      '2025-12-26',
    ]);
  });

  it('2026: Boxing Day on a Saturday moves to Monday 28 December', () => {
    expect(sorted(2026)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
  });

  it('2022: New Year on a Saturday, the Platinum Jubilee, the state funeral, Christmas on a Sunday', () => {
    expect(sorted(2022)).toEqual([
      '2022-01-03',
      '2022-04-15',
      '2022-04-18',
      '2022-05-02',
      '2022-06-02',
      '2022-06-03',
      '2022-08-29',
      '2022-09-19',
      '2022-12-26',
      '2022-12-27',
    ]);
  });

  it('2020: VE Day moved the early May holiday to Friday 8 May; Boxing Day on a Saturday', () => {
    expect(sorted(2020)).toContain('2020-05-08');
    expect(sorted(2020)).not.toContain('2020-05-04');
    expect(sorted(2020)).toContain('2020-12-28');
  });

  it('2021: Christmas on a Saturday gives Monday 27 and Tuesday 28', () => {
    expect(sorted(2021).slice(-2)).toEqual(['2021-12-27', '2021-12-28']);
  });

  it('2023 adds the coronation', () => {
    expect(sorted(2023)).toContain('2023-05-08');
  });

  it('Easter Sunday', () => {
    expect([2019, 2024, 2025, 2026, 2038].map(easterSunday)).toEqual([
      '2019-04-21',
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2038-04-25',
    ]);
  });
});

describe('clear days', () => {
  it('counts working days strictly between publication and meeting', () => {
    // Meeting Thursday 12 June 2025: published Wednesday 4 June gives Thu, Fri, Mon, Tue, Wed.
    expect(clearDaysBetween('2025-06-04', '2025-06-12')).toBe(5);
    expect(clearDaysBetween('2025-06-05', '2025-06-12')).toBe(4);
    expect(clearDaysBetween('2025-06-11', '2025-06-12')).toBe(0);
    expect(latestPublicationDay('2025-06-12')).toBe('2025-06-04');
  });

  it('skips weekends and bank holidays', () => {
    // Meeting Thursday 24 April 2025: Good Friday 18 and Easter Monday 21 do not count.
    expect(latestPublicationDay('2025-04-24')).toBe('2025-04-14');
    expect(clearDaysBetween('2025-04-14', '2025-04-24')).toBe(5);
    expect(isWorkingDay('2025-04-18')).toBe(false);
    expect(isWorkingDay('2025-04-19')).toBe(false);
    expect(isWorkingDay('2025-04-22')).toBe(true);
  });

  it('the latest publication day always gives exactly the clear days asked, and the next day fewer', () => {
    for (let offset = 0; offset < 400; offset += 7) {
      const meeting = new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
      const latest = latestPublicationDay(meeting);
      expect(clearDaysBetween(latest, meeting)).toBeGreaterThanOrEqual(5);
      const next = new Date(Date.parse(`${latest}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(clearDaysBetween(next, meeting)).toBeLessThan(5);
    }
  });
});
