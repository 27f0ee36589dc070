/**
 * @module web/routes/meeting-forms
 * The forms of meetings and bodies' registers, as data: each form is a list of fields (what to ask, how, with which
 * choices) and the way its posted text becomes the domain's input — numbers for the choices of members, items and
 * questions, lists for checkboxes, a box left empty left out. One template (meetings/form.njk) draws every form,
 * keeps what was typed, and shows each domain issue beside the field its path names.
 */
import type { Appointment, Meeting } from '../../governance/meetings/index.js';
import {
  DECISION_METHODS,
  INTEREST_CATEGORIES,
  ITEM_PURPOSES,
  SCHEDULE_12A,
  latestPublicationDay,
  membersOn,
  presentAt,
} from '../../governance/meetings/index.js';
import type { Partnership } from '../../partnership/index.js';
import { inForceOn } from '../../partnership/views.js';

export interface Choice {
  readonly value: string;
  readonly text: string;
  readonly hint?: string;
}

export interface Field {
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  readonly kind: 'text' | 'textarea' | 'select' | 'radios' | 'checkboxes' | 'date' | 'time' | 'checkbox';
  readonly choices?: readonly Choice[];
  /** How the posted text becomes input: a whole number, a list of whole numbers, yes/no; otherwise text. */
  readonly as?: 'number' | 'numbers' | 'boolean';
}

export interface FormSpec {
  readonly title: string;
  /** A sentence under the heading: what the form records and what follows. */
  readonly lead?: string;
  readonly submit: string;
  readonly fields: readonly Field[];
}

/** What a form's choices are drawn from. */
export interface MeetingFormData {
  readonly partnership: Partnership;
  readonly meeting: Meeting;
  readonly register: readonly Appointment[];
  /** Submitted proposals currently routed to the meeting's body: number and title. */
  readonly proposals: readonly { readonly id: number; readonly title: string }[];
  /** Other meetings of the body, for approving minutes. */
  readonly meetings: readonly Meeting[];
}

const memberChoice = (m: Appointment): Choice => ({
  value: String(m.id),
  text: m.name,
  hint: `${m.role}${m.organisation === undefined ? ` (${m.constituency ?? ''})` : ''}${m.voting ? '' : ', non-voting'}`,
});
const itemChoice = (i: Meeting['items'][number]): Choice => ({
  value: String(i.number),
  text: `${i.number}. ${i.title}`,
});
const longDate = (day: string) =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** The forms of a meeting, by command name. */
export function meetingForm(name: string, data: MeetingFormData): FormSpec | undefined {
  const { meeting, register, partnership } = data;
  const onDay = membersOn(register, meeting.day);
  const present = presentAt(meeting, register);
  switch (name) {
    case 'item':
      return {
        title: 'Add an item to the agenda',
        submit: 'Add the item',
        fields: [
          { name: 'title', label: 'Title', kind: 'text' },
          {
            name: 'purpose',
            label: 'What the item is for',
            kind: 'radios',
            choices: Object.entries(ITEM_PURPOSES).map(([value, text]) => ({ value, text })),
          },
          {
            name: 'proposal',
            label: 'The proposal it decides (items for decision only)',
            hint: 'Proposals routed to this body, by the partnership’s rule.',
            kind: 'select',
            as: 'number',
            choices: [
              { value: '', text: 'None' },
              ...data.proposals.map((p) => ({ value: String(p.id), text: `${p.id}. ${p.title}` })),
            ],
          },
          {
            name: 'exemptParagraph',
            label: 'Exempt from the public (Schedule 12A)',
            hint: 'Only for information in one of these categories; the item’s title and decision stay public.',
            kind: 'select',
            as: 'number',
            choices: [
              { value: '', text: 'Not exempt: taken in public' },
              ...Object.entries(SCHEDULE_12A).map(([n, text]) => ({
                value: n,
                text: `Paragraph ${n}: ${text}`,
              })),
            ],
          },
          {
            name: 'publicInterest',
            label: 'Public-interest statement (exempt items only)',
            hint: 'Why the public interest in keeping it private outweighs the public interest in disclosing it.',
            kind: 'textarea',
          },
        ],
      };
    case 'paper':
      return {
        title: 'Publish a paper',
        lead: `Papers are published at least five clear days before the meeting: for this meeting, by ${longDate(latestPublicationDay(meeting.day))}. A later paper is flagged late, with the reason.`,
        submit: 'Publish the paper',
        fields: [
          {
            name: 'item',
            label: 'Agenda item',
            kind: 'select',
            as: 'number',
            choices: meeting.items.map(itemChoice),
          },
          { name: 'title', label: 'Title', kind: 'text' },
          {
            name: 'summary',
            label: 'The paper',
            hint: 'Its text, or a summary with where to read it in full.',
            kind: 'textarea',
          },
          {
            name: 'lateReason',
            label: 'Why it is late (if fewer than five clear days remain)',
            kind: 'textarea',
          },
        ],
      };
    case 'question':
      return {
        title: 'Ask a question for this meeting',
        lead: 'Your name and question are published on this page, and the answer in the minutes.',
        submit: 'Send your question',
        fields: [
          { name: 'askedBy', label: 'Your name', kind: 'text' },
          { name: 'question', label: 'Your question', kind: 'textarea' },
        ],
      };
    case 'answer':
      return {
        title: 'Answer a question from the public',
        submit: 'Record the answer',
        fields: [
          {
            name: 'question',
            label: 'Question',
            kind: 'select',
            as: 'number',
            choices: meeting.questions
              .filter((q) => q.answer === undefined)
              .map((q) => ({ value: String(q.id), text: `${q.askedBy}: ${q.question.slice(0, 80)}` })),
          },
          { name: 'answer', label: 'Answer', kind: 'textarea' },
        ],
      };
    case 'attendance':
      return {
        title: meeting.attendance === undefined ? 'Record who attended' : 'Correct the attendance',
        lead: 'Members not listed as present or sending apologies are recorded as absent.',
        submit: 'Record the attendance',
        fields: [
          {
            name: 'present',
            label: 'Present',
            kind: 'checkboxes',
            as: 'numbers',
            choices: onDay.map(memberChoice),
          },
          {
            name: 'apologies',
            label: 'Apologies',
            kind: 'checkboxes',
            as: 'numbers',
            choices: onDay.map(memberChoice),
          },
          ...(meeting.attendance === undefined
            ? []
            : [{ name: 'reason', label: 'Why the attendance is corrected', kind: 'textarea' } as const]),
        ],
      };
    case 'declaration':
      return {
        title: 'Record a declaration of interest',
        lead: 'A member who declares an interest in an item takes no part in deciding it: they do not vote and do not count towards its quorum.',
        submit: 'Record the declaration',
        fields: [
          {
            name: 'item',
            label: 'Agenda item',
            kind: 'select',
            as: 'number',
            choices: meeting.items.filter((i) => i.decision === undefined).map(itemChoice),
          },
          {
            name: 'member',
            label: 'Member',
            kind: 'select',
            as: 'number',
            choices: present.map(memberChoice),
          },
          { name: 'interest', label: 'The interest declared', kind: 'textarea' },
          {
            name: 'withdrew',
            label: 'The member left the room for the item',
            kind: 'checkbox',
            as: 'boolean',
          },
        ],
      };
    case 'decision': {
      const voters = present.filter((m) => m.voting).map(memberChoice);
      return {
        title: 'Record a decision',
        lead: 'Accord checks the quorum for the item, the body’s delegation and declared interests; a vote’s outcome is counted from the votes.',
        submit: 'Record the decision',
        fields: [
          {
            name: 'item',
            label: 'Agenda item',
            kind: 'select',
            as: 'number',
            choices: meeting.items
              .filter((i) => i.purpose !== 'information' && i.decision === undefined)
              .map(itemChoice),
          },
          {
            name: 'resolution',
            label: 'Resolution',
            hint: 'What was resolved, in the words of the minutes.',
            kind: 'textarea',
          },
          {
            name: 'method',
            label: 'How it was decided',
            kind: 'radios',
            choices: Object.entries(DECISION_METHODS).map(([value, text]) => ({ value, text })),
          },
          { name: 'votesFor', label: 'Voted for', kind: 'checkboxes', as: 'numbers', choices: voters },
          {
            name: 'votesAgainst',
            label: 'Voted against',
            kind: 'checkboxes',
            as: 'numbers',
            choices: voters,
          },
          { name: 'abstentions', label: 'Abstained', kind: 'checkboxes', as: 'numbers', choices: voters },
        ],
      };
    }
    case 'action':
      return {
        title: 'Record an action',
        submit: 'Record the action',
        fields: [
          {
            name: 'item',
            label: 'Agenda item',
            kind: 'select',
            as: 'number',
            choices: meeting.items.map(itemChoice),
          },
          { name: 'action', label: 'Action', kind: 'textarea' },
          {
            name: 'owner',
            label: 'Owner',
            kind: 'select',
            choices: partnership.organisations
              .filter((o) => inForceOn(o, meeting.day))
              .map((o) => ({ value: o.id, text: o.name })),
          },
          { name: 'due', label: 'Due by', hint: 'For example, 2025-09-30.', kind: 'date' },
        ],
      };
    case 'minutes':
      return {
        title: meeting.minutes.length === 0 ? 'Draft the minutes' : 'Revise the draft minutes',
        lead: 'Draft minutes are published marked as a draft until the next meeting approves them.',
        submit: 'Save the draft',
        fields: [
          { name: 'text', label: 'Minutes', kind: 'textarea' },
          ...(meeting.minutes.length === 0
            ? []
            : [{ name: 'reason', label: 'Why they are revised', kind: 'textarea' } as const]),
        ],
      };
    case 'approval':
      return {
        title: 'Record the approval of the minutes',
        submit: 'Record the approval',
        fields: [
          {
            name: 'version',
            label: 'Draft approved',
            kind: 'select',
            as: 'number',
            choices: meeting.minutes
              .slice(-1)
              .map((m) => ({ value: String(m.version), text: `Version ${m.version}` })),
          },
          {
            name: 'atMeeting',
            label: 'At the meeting of',
            kind: 'select',
            as: 'number',
            choices: data.meetings
              .filter((m) => m.startsAt > meeting.startsAt && m.cancelled === undefined)
              .map((m) => ({ value: String(m.id), text: longDate(m.day) })),
          },
        ],
      };
    case 'cancel':
      return {
        title: 'Cancel the meeting',
        lead: 'A cancelled meeting stays in the calendar with the reason. To move a meeting, cancel it and schedule another.',
        submit: 'Cancel the meeting',
        fields: [{ name: 'reason', label: 'Why it is cancelled', kind: 'textarea' }],
      };
    default:
      return undefined;
  }
}

/** The value of a posted field: a string, or a list for checkboxes (a single ticked box arrives as a string). */
function posted(body: unknown, name: string): string | string[] | undefined {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** What the form holds as typed, by field name: text, or a list for checkboxes. */
export type FormValues = Readonly<Record<string, string | readonly string[]>>;

export function formValues(fields: readonly Field[], body: unknown): FormValues {
  const values: Record<string, string | readonly string[]> = {};
  for (const f of fields) {
    const value = posted(body, f.name);
    const list = value === undefined ? [] : typeof value === 'string' ? [value] : value;
    values[f.name] = f.kind === 'checkboxes' ? list : (list[0] ?? '');
  }
  return values;
}

/**
 * The form as the domain's input: a box left empty is left out (so the domain says what is missing); a number that
 * is not one is passed as typed, for the domain to name it.
 */
export function inputOf(fields: readonly Field[], values: FormValues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const f of fields) {
    const value = values[f.name];
    if (f.as === 'numbers') {
      const list: readonly string[] = typeof value === 'string' ? [value] : (value ?? []);
      input[f.name] = list.map((v) => (/^\d+$/.test(v) ? Number(v) : v));
    } else if (f.as === 'boolean') {
      input[f.name] = value === 'yes';
    } else if (typeof value === 'string' && value.trim() !== '') {
      input[f.name] = f.as === 'number' && /^\d+$/.test(value) ? Number(value) : value;
    }
  }
  return input;
}

/** The form to schedule a meeting: the body, its day and time in London, where. */
export function scheduleForm(partnership: Partnership, today: string): FormSpec {
  return {
    title: 'Schedule a meeting',
    lead: 'A body that meets in public has its meeting, agenda and papers published here.',
    submit: 'Schedule the meeting',
    fields: [
      {
        name: 'body',
        label: 'Body',
        kind: 'select',
        choices: partnership.bodies
          .filter((b) => inForceOn(b, today))
          .map((b) => ({ value: b.id, text: b.name })),
      },
      { name: 'date', label: 'Date', hint: 'For example, 2025-06-12.', kind: 'date' },
      { name: 'time', label: 'Start time (UK time)', hint: 'For example, 14:00.', kind: 'time' },
      { name: 'location', label: 'Where', hint: 'An address, or “online” with how to watch.', kind: 'text' },
    ],
  };
}

const LONDON_OFFSET = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  timeZoneName: 'longOffset',
});

/** A date and a time of day in London as an ISO instant with its offset, or undefined when either is not one. */
export function londonDateTime(date: string, time: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return undefined;
  const guess = new Date(`${date}T${time}:00Z`);
  if (Number.isNaN(guess.getTime()) || !guess.toISOString().startsWith(date)) return undefined;
  // The offset in force at that moment (BST or GMT); a time in the hour the clocks skip is read as GMT's.
  const name = LONDON_OFFSET.formatToParts(guess).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name === 'GMT' ? '+00:00' : name.replace('GMT', '');
  return `${date}T${time}:00${offset}`;
}

/** A seat of a body as a form value: organisation or constituency, and role. */
export const seatValue = (seat: { organisation?: string; constituency?: string; role: string }): string =>
  JSON.stringify([seat.organisation ?? null, seat.constituency ?? null, seat.role]);

export function seatOfValue(value: string): { organisation?: string; constituency?: string; role?: string } {
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed) || parsed.length !== 3) return {};
    const [organisation, constituency, role] = parsed as unknown[];
    return {
      ...(typeof organisation === 'string' ? { organisation } : {}),
      ...(typeof constituency === 'string' ? { constituency } : {}),
      ...(typeof role === 'string' ? { role } : {}),
    };
  } catch {
    return {};
  }
}

/** The forms of a body's register, by change: appoint, end, interest, end-interest. */
export function registerForm(
  change: string,
  partnership: Partnership,
  body: Partnership['bodies'][number],
  register: readonly Appointment[],
  today: string,
): FormSpec | undefined {
  const serving = register.filter((a) => a.to === undefined);
  const orgName = (id: string) => partnership.organisations.find((o) => o.id === id)?.name ?? id;
  switch (change) {
    case 'appoint':
      return {
        title: `Appoint a member of ${body.name}`,
        submit: 'Record the appointment',
        fields: [
          {
            name: 'seat',
            label: 'Seat',
            hint: 'The seats of the body’s terms of reference, from the partnership’s files.',
            kind: 'select',
            choices: body.members
              .filter((m) => inForceOn({ from: m.from ?? body.from, to: m.to ?? body.to }, today))
              .map((m) => ({
                value: seatValue(m),
                text: `${m.role}, ${m.organisation === undefined ? (m.constituency ?? '') : orgName(m.organisation)}${m.voting ? '' : ' (non-voting)'}`,
              })),
          },
          { name: 'name', label: 'Name', kind: 'text' },
          { name: 'from', label: 'Appointed from', hint: 'For example, 2025-04-01.', kind: 'date' },
        ],
      };
    case 'end':
      return {
        title: 'End an appointment',
        submit: 'End the appointment',
        fields: [
          {
            name: 'appointment',
            label: 'Member',
            kind: 'select',
            as: 'number',
            choices: serving.map((a) => ({ value: String(a.id), text: `${a.name}, ${a.role}` })),
          },
          { name: 'to', label: 'Last day', kind: 'date' },
          { name: 'reason', label: 'Why it ends', kind: 'textarea' },
        ],
      };
    case 'interest':
      return {
        title: 'Register an interest',
        lead: 'The register of interests is public. Members also declare interests in an item at the meeting.',
        submit: 'Register the interest',
        fields: [
          {
            name: 'appointment',
            label: 'Member',
            kind: 'select',
            as: 'number',
            choices: serving.map((a) => ({ value: String(a.id), text: `${a.name}, ${a.role}` })),
          },
          {
            name: 'category',
            label: 'Kind of interest',
            kind: 'radios',
            choices: Object.entries(INTEREST_CATEGORIES).map(([value, text]) => ({ value, text })),
          },
          { name: 'description', label: 'The interest', kind: 'textarea' },
          { name: 'from', label: 'Held from', kind: 'date' },
        ],
      };
    case 'end-interest':
      return {
        title: 'Record that an interest has ended',
        submit: 'Record the end',
        fields: [
          {
            name: 'interest',
            label: 'Interest',
            kind: 'select',
            as: 'number',
            choices: serving.flatMap((a) =>
              a.interests
                .filter((i) => i.to === undefined)
                .map((i) => ({ value: String(i.id), text: `${a.name}: ${i.description.slice(0, 80)}` })),
            ),
          },
          { name: 'to', label: 'Ended on', kind: 'date' },
          { name: 'reason', label: 'Why it ended', kind: 'textarea' },
        ],
      };
    default:
      return undefined;
  }
}
