/**
 * @module governance/meetings/meeting
 * A meeting as its records tell it: the fold of its events, oldest first — scheduled, the agenda and its papers,
 * questions from the public and their answers, who attended, interests declared at items, the decisions and the
 * actions, the minutes' drafts and their approval. Pure. The events are what `rules.ts` let through, so the fold
 * trusts them; it keeps who recorded each and when, which the meeting's page shows as its history.
 */
import { londonDay } from '../../partnership/views.js';
import type { Day } from './clear-days.js';

/** The categories of exempt information of the Local Government Act 1972, Schedule 12A, Part 1 (as amended 2006). */
export const SCHEDULE_12A: Readonly<Record<number, string>> = {
  1: 'Information relating to any individual',
  2: 'Information likely to reveal the identity of an individual',
  3: 'Information relating to the financial or business affairs of any particular person',
  4: 'Information relating to consultations or negotiations on a labour relations matter',
  5: 'Information subject to legal professional privilege',
  6: 'Information that the authority proposes to give a notice or make an order or direction under an enactment',
  7: 'Information relating to the prevention, investigation or prosecution of crime',
};

/** What an agenda item is for. A `decision` item carries a proposal routed to the body; `procedural` is the body's
 * own business (its minutes, its terms of reference); `information` items are noted, not decided. */
export const ITEM_PURPOSES = {
  decision: 'For decision',
  procedural: 'For decision (the body’s own business)',
  information: 'For information',
} as const;
export type ItemPurpose = keyof typeof ITEM_PURPOSES;

export const DECISION_METHODS = { consensus: 'By consensus', vote: 'By vote' } as const;
export type DecisionMethod = keyof typeof DECISION_METHODS;

export interface Exemption {
  readonly paragraph: number;
  readonly publicInterest: string;
}

/** The payloads of the meeting's events, as stored. */
export type MeetingEvent =
  | {
      readonly kind: 'scheduled';
      readonly payload: { readonly startsAt: string; readonly location: string; readonly inPublic: boolean };
    }
  | { readonly kind: 'cancelled'; readonly payload: { readonly reason: string } }
  | {
      readonly kind: 'item-added';
      readonly payload: {
        readonly number: number;
        readonly title: string;
        readonly purpose: ItemPurpose;
        readonly proposal?: number;
        readonly exempt?: Exemption;
      };
    }
  | {
      readonly kind: 'paper-published';
      readonly payload: {
        readonly item: number;
        readonly title: string;
        readonly summary: string;
        readonly publishedOn: Day;
        readonly clearDays: number;
        readonly lateReason?: string;
      };
    }
  | {
      readonly kind: 'question-submitted';
      readonly payload: { readonly askedBy: string; readonly question: string };
    }
  | {
      readonly kind: 'question-answered';
      readonly payload: { readonly question: number; readonly answer: string };
    }
  | {
      readonly kind: 'attendance-recorded';
      readonly payload: {
        readonly present: readonly number[];
        readonly apologies: readonly number[];
        readonly reason?: string;
      };
    }
  | {
      readonly kind: 'interest-declared';
      readonly payload: {
        readonly item: number;
        readonly member: number;
        readonly interest: string;
        /** The member left the room for the item: they take no part and do not vote. */
        readonly withdrew: boolean;
      };
    }
  | {
      readonly kind: 'decision-recorded';
      readonly payload: {
        readonly item: number;
        readonly reference: string;
        readonly resolution: string;
        readonly method: DecisionMethod;
        readonly votes?: {
          readonly for: readonly number[];
          readonly against: readonly number[];
          readonly abstain: readonly number[];
        };
        readonly outcome: 'agreed' | 'not-agreed';
      };
    }
  | {
      readonly kind: 'action-recorded';
      readonly payload: {
        readonly item: number;
        readonly action: string;
        readonly owner: string;
        readonly due: Day;
      };
    }
  | {
      readonly kind: 'minutes-drafted';
      readonly payload: { readonly text: string; readonly reason?: string };
    }
  | {
      readonly kind: 'minutes-approved';
      readonly payload: { readonly version: number; readonly atMeeting: number };
    };

export type MeetingEventKind = MeetingEvent['kind'];

/** Who recorded an event: a signed-in person (name and organisation), or no one for a question from the public. */
export interface Recorder {
  readonly name: string;
  readonly organisation: string;
}

export interface StoredMeetingEvent {
  readonly seq: number;
  readonly event: MeetingEvent;
  readonly by: Recorder | undefined;
  readonly at: Date;
}

type Payload<K extends MeetingEventKind> = Extract<MeetingEvent, { kind: K }>['payload'];
type Recorded<T> = T & { readonly seq: number; readonly by: Recorder | undefined; readonly at: Date };

export type Paper = Recorded<Payload<'paper-published'>>;
export type Declaration = Recorded<Payload<'interest-declared'>>;
export type Decision = Recorded<Payload<'decision-recorded'>>;
export type Action = Recorded<Payload<'action-recorded'>>;

export interface Item {
  readonly number: number;
  readonly title: string;
  readonly purpose: ItemPurpose;
  readonly proposal: number | undefined;
  readonly exempt: Exemption | undefined;
  readonly papers: readonly Paper[];
  readonly declarations: readonly Declaration[];
  readonly decision: Decision | undefined;
  readonly actions: readonly Action[];
}

export interface Question {
  readonly id: number;
  readonly askedBy: string;
  readonly question: string;
  readonly submittedAt: Date;
  readonly answer: Recorded<{ readonly text: string }> | undefined;
}

export type Attendance = Recorded<Payload<'attendance-recorded'> & { readonly version: number }>;
export type MinutesVersion = Recorded<Payload<'minutes-drafted'> & { readonly version: number }>;
export type MinutesApproval = Recorded<Payload<'minutes-approved'>>;

export interface Meeting {
  readonly id: number;
  readonly bodyId: string;
  readonly startsAt: Date;
  /** The meeting's day in London. */
  readonly day: Day;
  readonly location: string;
  readonly inPublic: boolean;
  readonly cancelled: Recorded<{ readonly reason: string }> | undefined;
  readonly items: readonly Item[];
  readonly questions: readonly Question[];
  /** The latest record of attendance (earlier ones are corrections' history, in `events`). */
  readonly attendance: Attendance | undefined;
  readonly minutes: readonly MinutesVersion[];
  readonly approval: MinutesApproval | undefined;
  readonly events: readonly StoredMeetingEvent[];
}

export function foldMeeting(id: number, bodyId: string, events: readonly StoredMeetingEvent[]): Meeting {
  const first = events[0];
  if (first === undefined || first.event.kind !== 'scheduled') {
    throw new Error(`meeting ${id} does not begin with its scheduling`);
  }
  const startsAt = new Date(first.event.payload.startsAt);
  let meeting: Meeting = {
    id,
    bodyId,
    startsAt,
    day: londonDay(startsAt),
    location: first.event.payload.location,
    inPublic: first.event.payload.inPublic,
    cancelled: undefined,
    items: [],
    questions: [],
    attendance: undefined,
    minutes: [],
    approval: undefined,
    events,
  };
  const withItem = (number: number, change: (item: Item) => Item) => {
    meeting = {
      ...meeting,
      items: meeting.items.map((item) => (item.number === number ? change(item) : item)),
    };
  };
  for (const stored of events.slice(1)) {
    const { seq, by, at, event } = stored;
    const recorded = { seq, by, at };
    switch (event.kind) {
      case 'scheduled':
        throw new Error(`meeting ${id} is scheduled twice`);
      case 'cancelled':
        meeting = { ...meeting, cancelled: { ...event.payload, ...recorded } };
        break;
      case 'item-added':
        meeting = {
          ...meeting,
          items: [
            ...meeting.items,
            {
              number: event.payload.number,
              title: event.payload.title,
              purpose: event.payload.purpose,
              proposal: event.payload.proposal,
              exempt: event.payload.exempt,
              papers: [],
              declarations: [],
              decision: undefined,
              actions: [],
            },
          ],
        };
        break;
      case 'paper-published':
        withItem(event.payload.item, (item) => ({
          ...item,
          papers: [...item.papers, { ...event.payload, ...recorded }],
        }));
        break;
      case 'interest-declared':
        withItem(event.payload.item, (item) => ({
          ...item,
          declarations: [...item.declarations, { ...event.payload, ...recorded }],
        }));
        break;
      case 'decision-recorded':
        withItem(event.payload.item, (item) => ({ ...item, decision: { ...event.payload, ...recorded } }));
        break;
      case 'action-recorded':
        withItem(event.payload.item, (item) => ({
          ...item,
          actions: [...item.actions, { ...event.payload, ...recorded }],
        }));
        break;
      case 'question-submitted':
        meeting = {
          ...meeting,
          questions: [
            ...meeting.questions,
            {
              id: seq,
              askedBy: event.payload.askedBy,
              question: event.payload.question,
              submittedAt: at,
              answer: undefined,
            },
          ],
        };
        break;
      case 'question-answered':
        meeting = {
          ...meeting,
          questions: meeting.questions.map((q) =>
            q.id === event.payload.question
              ? { ...q, answer: { text: event.payload.answer, ...recorded } }
              : q,
          ),
        };
        break;
      case 'attendance-recorded':
        meeting = {
          ...meeting,
          attendance: { ...event.payload, version: (meeting.attendance?.version ?? 0) + 1, ...recorded },
        };
        break;
      case 'minutes-drafted':
        meeting = {
          ...meeting,
          minutes: [
            ...meeting.minutes,
            { ...event.payload, version: meeting.minutes.length + 1, ...recorded },
          ],
        };
        break;
      case 'minutes-approved':
        meeting = { ...meeting, approval: { ...event.payload, ...recorded } };
        break;
    }
  }
  return meeting;
}

/** Members who withdrew from an item because of an interest: they take no part in it and do not vote. */
export const withdrawnFrom = (item: Item): ReadonlySet<number> =>
  new Set(item.declarations.filter((d) => d.withdrew).map((d) => d.member));

/** Whether the meeting has been held: its attendance is recorded (a cancelled meeting never is). */
export const held = (meeting: Meeting): boolean => meeting.attendance !== undefined;

/** The minutes the public sees: the approved version, else none (drafts are shown marked as drafts). */
export const approvedMinutes = (meeting: Meeting): MinutesVersion | undefined =>
  meeting.approval === undefined
    ? undefined
    : meeting.minutes.find((m) => m.version === meeting.approval?.version);
