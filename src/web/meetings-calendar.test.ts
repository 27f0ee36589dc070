/**
 * The meetings' iCalendar feed: RFC 5545's escaping and 75-octet folding, and a cancelled meeting kept as CANCELLED.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { foldMeeting } from '../governance/meetings/index.js';
import { loadPartnership } from '../partnership/index.js';
import { foldLine, meetingsCalendar } from './meetings-calendar.js';

const loaded = loadPartnership(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
if (!loaded.ok) throw new Error('riverside does not load');
const at = new Date('2025-05-01T09:00:00Z');
const by = { name: 'Clerk', organisation: 'riverside-icb' };

it('folds long lines at 75 octets without splitting a character', () => {
  const line = `DESCRIPTION:${'é'.repeat(60)}`;
  const folded = foldLine(line);
  for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
  expect(folded.replace(/\r\n /g, '')).toBe(line);
});

it('one event per meeting, escaped, with cancelled meetings marked', () => {
  const held = foldMeeting(1, 'partnership-board', [
    {
      seq: 1,
      by,
      at,
      event: {
        kind: 'scheduled',
        payload: {
          startsAt: '2025-06-12T13:00:00.000Z',
          location: 'Hall; Room 2, North Bank',
          inPublic: true,
        },
      },
    },
    {
      seq: 2,
      by,
      at,
      event: { kind: 'item-added', payload: { number: 1, title: 'Stroke', purpose: 'information' } },
    },
  ]);
  const cancelled = foldMeeting(2, 'north-bank-hwb', [
    {
      seq: 1,
      by,
      at,
      event: {
        kind: 'scheduled',
        payload: { startsAt: '2025-07-01T09:00:00.000Z', location: 'Online', inPublic: true },
      },
    },
    { seq: 2, by, at, event: { kind: 'cancelled', payload: { reason: 'No business' } } },
  ]);
  const ics = meetingsCalendar(
    loaded.value.partnership,
    [held, cancelled],
    new URL('https://accord.example'),
    at,
  );
  expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
  expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  expect(ics).toContain('LOCATION:Hall\\; Room 2\\, North Bank');
  expect(ics).toContain('DTSTART:20250612T130000Z\r\nDTEND:20250612T150000Z');
  expect(ics).toContain('SUMMARY:Cancelled: North Bank Health and Wellbeing Board');
  expect(ics).toContain('STATUS:CANCELLED');
  expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
});
