/**
 * @module web/meetings-view
 * Meetings and bodies' registers as the pages show them: every id named from the partnership and the register,
 * moments as ISO strings for the templates' filters, and what the public may not see left out — an exempt item's
 * papers are withheld (its title, its Schedule 12A paragraph, the public-interest statement and its decision stay
 * public), and so are the papers of a body that does not meet in public. Pure.
 */
import {
  DECISION_METHODS,
  INTEREST_CATEGORIES,
  ITEM_PURPOSES,
  SCHEDULE_12A,
  approvedMinutes,
  held,
  itemQuorum,
  membersOn,
  presentAt,
  quorum,
  type Appointment,
  type Meeting,
  type StoredMeetingEvent,
} from '../governance/meetings/index.js';
import type { Body, Partnership } from '../partnership/index.js';

const nameOf = (register: readonly Appointment[], id: number) =>
  register.find((m) => m.id === id)?.name ?? `Member ${id}`;

export interface MemberView {
  readonly id: number;
  readonly name: string;
  readonly role: string;
  readonly seat: string;
  readonly voting: boolean;
  readonly from: string;
  readonly to: string | undefined;
  readonly endReason: string | undefined;
  readonly interests: readonly {
    readonly id: number;
    readonly category: string;
    readonly description: string;
    readonly from: string;
    readonly to: string | undefined;
  }[];
}

export function memberView(p: Partnership, m: Appointment): MemberView {
  return {
    id: m.id,
    name: m.name,
    role: m.role,
    seat:
      m.organisation === undefined
        ? (m.constituency ?? '')
        : (p.organisations.find((o) => o.id === m.organisation)?.name ?? m.organisation),
    voting: m.voting,
    from: m.from,
    to: m.to,
    endReason: m.endReason,
    interests: m.interests.map((i) => ({
      id: i.id,
      category: INTEREST_CATEGORIES[i.category],
      description: i.description,
      from: i.from,
      to: i.to,
    })),
  };
}

export type MeetingStatus = 'cancelled' | 'held' | 'scheduled';
export const STATUS_TEXT: Record<MeetingStatus, string> = {
  cancelled: 'Cancelled',
  held: 'Held',
  scheduled: 'Scheduled',
};

export const statusOf = (meeting: Meeting): MeetingStatus =>
  meeting.cancelled !== undefined ? 'cancelled' : held(meeting) ? 'held' : 'scheduled';

export interface MeetingSummaryView {
  readonly id: number;
  readonly body: { readonly id: string; readonly name: string };
  readonly startsAt: string;
  readonly day: string;
  readonly location: string;
  readonly status: MeetingStatus;
  readonly statusText: string;
  readonly items: number;
  readonly decisions: number;
}

export function meetingSummary(p: Partnership, meeting: Meeting): MeetingSummaryView {
  const status = statusOf(meeting);
  return {
    id: meeting.id,
    body: { id: meeting.bodyId, name: p.bodies.find((b) => b.id === meeting.bodyId)?.name ?? meeting.bodyId },
    startsAt: meeting.startsAt.toISOString(),
    day: meeting.day,
    location: meeting.location,
    status,
    statusText: STATUS_TEXT[status],
    items: meeting.items.length,
    decisions: meeting.items.filter((i) => i.decision !== undefined).length,
  };
}

function eventText(stored: StoredMeetingEvent, register: readonly Appointment[]): string {
  const e = stored.event;
  switch (e.kind) {
    case 'scheduled':
      return 'Meeting scheduled';
    case 'cancelled':
      return `Meeting cancelled: ${e.payload.reason}`;
    case 'item-added':
      return `Item ${e.payload.number} added to the agenda`;
    case 'paper-published':
      return `Paper “${e.payload.title}” published for item ${e.payload.item}${e.payload.lateReason === undefined ? '' : ' (late)'}`;
    case 'question-submitted':
      return 'Question from the public received';
    case 'question-answered':
      return 'Question answered';
    case 'attendance-recorded':
      return e.payload.reason === undefined
        ? 'Attendance recorded'
        : `Attendance corrected: ${e.payload.reason}`;
    case 'interest-declared':
      return `${nameOf(register, e.payload.member)} declared an interest at item ${e.payload.item}`;
    case 'decision-recorded':
      return `Decision ${e.payload.reference} recorded at item ${e.payload.item}`;
    case 'action-recorded':
      return `Action recorded at item ${e.payload.item}`;
    case 'minutes-drafted':
      return e.payload.reason === undefined ? 'Minutes drafted' : `Minutes revised: ${e.payload.reason}`;
    case 'minutes-approved':
      return `Minutes (version ${e.payload.version}) approved`;
  }
}

/** A meeting as its page shows it; `mayRecord` (an officer) also sees exempt papers. */
export function meetingView(
  p: Partnership,
  body: Body,
  meeting: Meeting,
  register: readonly Appointment[],
  options: { readonly mayRecord: boolean },
) {
  const orgName = (id: string) => p.organisations.find((o) => o.id === id)?.name ?? id;
  const onDay = membersOn(register, meeting.day);
  const attendance = meeting.attendance;
  const present = presentAt(meeting, register);
  const minutes = approvedMinutes(meeting);
  const draft = minutes === undefined ? meeting.minutes.at(-1) : undefined;
  return {
    ...meetingSummary(p, meeting),
    inPublic: meeting.inPublic,
    cancelled: meeting.cancelled && {
      reason: meeting.cancelled.reason,
      at: meeting.cancelled.at.toISOString(),
    },
    quorumRule: body.quorum.description,
    items: meeting.items.map((item) => {
      // Papers of an exempt item, or of a body that does not meet in public, are for officers only.
      const withheld = (item.exempt !== undefined || !meeting.inPublic) && !options.mayRecord;
      return {
        number: item.number,
        title: item.title,
        purpose: ITEM_PURPOSES[item.purpose],
        proposal: item.proposal,
        exempt: item.exempt && {
          paragraph: item.exempt.paragraph,
          category: SCHEDULE_12A[item.exempt.paragraph] ?? '',
          publicInterest: item.exempt.publicInterest,
        },
        papers: item.papers.map((paper) => ({
          title: paper.title,
          summary: withheld ? undefined : paper.summary,
          publishedOn: paper.publishedOn,
          clearDays: paper.clearDays,
          late: paper.lateReason !== undefined,
          lateReason: paper.lateReason,
        })),
        declarations: item.declarations.map((d) => ({
          member: nameOf(register, d.member),
          interest: d.interest,
          withdrew: d.withdrew,
        })),
        decision: item.decision && {
          reference: item.decision.reference,
          resolution: item.decision.resolution,
          method: DECISION_METHODS[item.decision.method],
          outcome: item.decision.outcome,
          votes: item.decision.votes && {
            for: item.decision.votes.for.map((id) => nameOf(register, id)),
            against: item.decision.votes.against.map((id) => nameOf(register, id)),
            abstain: item.decision.votes.abstain.map((id) => nameOf(register, id)),
          },
          quorum: itemQuorum({ partnership: p, body, register }, meeting, item).reasons,
        },
        actions: item.actions.map((a) => ({ action: a.action, owner: orgName(a.owner), due: a.due })),
      };
    }),
    attendance: attendance && {
      present: present.map((m) => memberView(p, m)),
      apologies: attendance.apologies.map((id) => nameOf(register, id)),
      absent: onDay
        .filter((m) => !attendance.present.includes(m.id) && !attendance.apologies.includes(m.id))
        .map((m) => m.name),
      quorum: quorum(p, body, present),
      corrected: attendance.version > 1,
    },
    questions: meeting.questions.map((q) => ({
      id: q.id,
      askedBy: q.askedBy,
      question: q.question,
      submittedAt: q.submittedAt.toISOString(),
      answer: q.answer?.text,
    })),
    minutes: minutes && {
      text: minutes.text,
      version: minutes.version,
      approvedAt: meeting.approval?.atMeeting,
    },
    draftMinutes: draft && { text: draft.text, version: draft.version },
    history: meeting.events.map((e) => ({
      at: e.at.toISOString(),
      by: e.by === undefined ? 'A member of the public' : `${e.by.name} (${orgName(e.by.organisation)})`,
      what: eventText(e, register),
    })),
  };
}
export type MeetingView = ReturnType<typeof meetingView>;
