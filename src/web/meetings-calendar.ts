/**
 * @module web/meetings-calendar
 * The meetings as an iCalendar feed (RFC 5545), so that members, officers and the public can subscribe to the
 * partnership's meetings in their own calendar: one event per meeting, in UTC, with where, the body, the agenda's
 * titles and the meeting's page; a cancelled meeting stays, marked CANCELLED, so subscribers see it go. Pure.
 */
import type { Meeting } from '../governance/meetings/index.js';
import type { Partnership } from '../partnership/index.js';

/** How long a meeting is taken to last, when nothing says: the calendar needs an end. */
export const ASSUMED_LENGTH_MINUTES = 120;

/** Text escaped as RFC 5545 §3.3.11 asks: backslash, semicolon, comma and newlines. */
const escapeText = (text: string) =>
  text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** A moment as an iCalendar UTC date-time: 20250612T130000Z. */
const utc = (moment: Date) =>
  moment
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines begin with a space. Never splits a UTF-8
 * character.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export function meetingsCalendar(p: Partnership, meetings: readonly Meeting[], base: URL, now: Date): string {
  const host = base.hostname;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Accord//${escapeText(p.info.shortName)} meetings//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(`${p.info.shortName}: meetings`)}`,
  ];
  for (const m of meetings) {
    const body = p.bodies.find((b) => b.id === m.bodyId)?.name ?? m.bodyId;
    const url = new URL(`/meetings/${m.id}`, base).href;
    const agenda = m.items.map((i) => `${i.number}. ${i.title}`).join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:meeting-${m.id}@${host}`,
      `DTSTAMP:${utc(now)}`,
      `DTSTART:${utc(m.startsAt)}`,
      `DTEND:${utc(new Date(m.startsAt.getTime() + ASSUMED_LENGTH_MINUTES * 60_000))}`,
      `SUMMARY:${escapeText(`${m.cancelled === undefined ? '' : 'Cancelled: '}${body}`)}`,
      `LOCATION:${escapeText(m.location)}`,
      `DESCRIPTION:${escapeText(
        [
          m.cancelled === undefined ? undefined : `Cancelled: ${m.cancelled.reason}`,
          agenda === '' ? 'The agenda is not published yet.' : `Agenda:\n${agenda}`,
          url,
        ]
          .filter((part) => part !== undefined)
          .join('\n\n'),
      )}`,
      `URL:${url}`,
      `STATUS:${m.cancelled === undefined ? 'CONFIRMED' : 'CANCELLED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
