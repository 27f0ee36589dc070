import { describe, expect, it } from 'vitest';
import { dateRange } from './dates.js';

describe('a FHIR date as the range of instants it covers', () => {
  it.each([
    ['2024', '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2023-02-28', '2023-02-28T00:00:00.000Z', '2023-02-28T23:59:59.999Z'],
    ['2024-03-05T10:15:00Z', '2024-03-05T10:15:00.000Z', '2024-03-05T10:15:00.999Z'],
    ['2024-03-05T10:15+01:00', '2024-03-05T09:15:00.000Z', '2024-03-05T09:15:59.999Z'],
    ['2024-03-05T10:15:00.250Z', '2024-03-05T10:15:00.250Z', '2024-03-05T10:15:00.250Z'],
  ])('%s covers %s to %s', (text, low, high) => {
    expect(dateRange(text)).toEqual({ low, high });
  });

  it.each(['2024-13', '2023-02-29', '2024-03-05T10:15', '05/03/2024', '', '2024-1-5'])(
    'refuses %j',
    (text) => {
      expect(dateRange(text)).toBeUndefined();
    },
  );
});
