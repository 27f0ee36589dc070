/**
 * @module governance/meetings/workflow
 * What officers record about bodies and their meetings, and what the public asks: each step checks its input's
 * shape, locks the stream it changes (the body's register, or the meeting), folds what is recorded, asks the rules
 * (`rules.ts`, `members.ts`) and writes the event — with a decision's register entry — in one transaction, so a
 * refused step leaves nothing behind. Problems come back as values; the edges pick the status.
 */
import type { z } from 'zod';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { storedPartnership, type Body, type Partnership } from '../../partnership/index.js';
import { inForceOn, londonDay } from '../../partnership/views.js';
import type { Queryable } from '../../store/database.js';
import { inTransaction } from '../../store/in-transaction.js';
import type { Actor } from '../permissions.js';
import { zodIssues } from '../proposal.js';
import { readProposal } from '../repository.js';
import type { GovernanceContext } from '../workflow.js';
import { COMMANDS, ScheduleInput, type Command, type CommandName } from './commands.js';
import { foldMeeting, type Meeting } from './meeting.js';
import {
  AppointmentEndInput,
  AppointmentInput,
  checkAppointment,
  checkAppointmentEnd,
  checkInterest,
  checkInterestEnd,
  foldRegister,
  InterestEndInput,
  InterestInput,
  type Appointment,
  type RegisterEvent,
} from './members.js';
import {
  decisionOnProposal,
  decisionsInYear,
  insertDecisionEntry,
  insertMeeting,
  insertMeetingEvent,
  insertRegisterEvent,
  lockBody,
  lockMeeting,
  readAllMeetingEvents,
  readAllRegisterEvents,
  readMeetingEvents,
  readRegisterEvents,
} from './repository.js';
import { decide, type RuleContext } from './rules.js';

/** Officers keep the bodies' registers and record their meetings (the clerk's work). */
export const CLERK_ROLES = ['officer'] as const;

const isClerk = (actor: Actor | undefined): actor is Actor =>
  actor !== undefined && actor.roles.some((role) => (CLERK_ROLES as readonly string[]).includes(role));

const forbidden = () => problem('forbidden', 'Only a governance officer may record this.');
const badInput = (issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    'Some of what you entered cannot be recorded.',
    'Correct the fields listed. Nothing was saved.',
    issues,
  );
const noMeeting = (id: number) =>
  problem('not-found', `There is no meeting ${id}.`, 'See the meetings calendar.');

const bodyIn = (partnership: Partnership, id: string): Body | undefined =>
  partnership.bodies.find((b) => b.id === id);

function parse<S extends z.ZodType>(schema: S, input: unknown): Result<z.infer<S>, Problem> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(badInput(zodIssues(parsed.error)));
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies' registers

export async function bodyRegister(
  db: Queryable,
  partnershipId: string,
  bodyId: string,
): Promise<Appointment[]> {
  return foldRegister(await readRegisterEvents(db, partnershipId, bodyId));
}

/** Every body's register, by body id. */
export async function allRegisters(
  db: Queryable,
  partnershipId: string,
): Promise<Map<string, Appointment[]>> {
  const events = await readAllRegisterEvents(db, partnershipId);
  return new Map([...events].map(([body, list]) => [body, foldRegister(list)]));
}

/** A change to a body's register, as asked: its kind and the input, checked here. */
interface RegisterChange {
  readonly kind: RegisterEvent['kind'];
  readonly input: unknown;
}

/** Appoints a member to a seat, ends an appointment, or registers or ends a standing interest. */
export async function changeRegister(
  ctx: GovernanceContext,
  actor: Actor | undefined,
  bodyId: string,
  change: RegisterChange,
): Promise<Result<Appointment[], Problem>> {
  if (!isClerk(actor)) return err(forbidden());
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const body = bodyIn(partnership, bodyId);
  if (body === undefined)
    return err(problem('not-found', `There is no body ${bodyId}.`, 'See the list of bodies.'));
  return inTransaction(ctx.db, async (tx) => {
    await lockBody(tx, ctx.partnershipId, bodyId);
    const register = foldRegister(await readRegisterEvents(tx, ctx.partnershipId, bodyId));
    let event: RegisterEvent;
    switch (change.kind) {
      case 'appointed': {
        const input = parse(AppointmentInput, change.input);
        if (!input.ok) return input;
        const seat = checkAppointment(partnership, body, register, input.value);
        if (!seat.ok) return err(badInput(seat.error));
        event = { kind: 'appointed', payload: { ...input.value, voting: seat.value.voting } };
        break;
      }
      case 'appointment-ended': {
        const input = parse(AppointmentEndInput, change.input);
        if (!input.ok) return input;
        const issues = checkAppointmentEnd(register, input.value);
        if (issues.length > 0) return err(badInput(issues));
        event = { kind: 'appointment-ended', payload: input.value };
        break;
      }
      case 'interest-registered': {
        const input = parse(InterestInput, change.input);
        if (!input.ok) return input;
        const issues = checkInterest(register, input.value);
        if (issues.length > 0) return err(badInput(issues));
        event = { kind: 'interest-registered', payload: input.value };
        break;
      }
      case 'interest-ended': {
        const input = parse(InterestEndInput, change.input);
        if (!input.ok) return input;
        const issues = checkInterestEnd(register, input.value);
        if (issues.length > 0) return err(badInput(issues));
        event = { kind: 'interest-ended', payload: input.value };
        break;
      }
    }
    await insertRegisterEvent(tx, ctx.partnershipId, bodyId, event, actor, ctx.now);
    return ok(foldRegister(await readRegisterEvents(tx, ctx.partnershipId, bodyId)));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Meetings

export async function getMeeting(
  db: Queryable,
  partnershipId: string,
  id: number,
): Promise<Meeting | undefined> {
  const stored = await readMeetingEvents(db, partnershipId, id);
  return stored === undefined ? undefined : foldMeeting(stored.id, stored.bodyId, stored.events);
}

/** Every meeting (or one body's), in the order they start. */
export async function listMeetings(
  db: Queryable,
  partnershipId: string,
  bodyId?: string,
): Promise<Meeting[]> {
  const stored = await readAllMeetingEvents(db, partnershipId, bodyId);
  return stored.map((m) => foldMeeting(m.id, m.bodyId, m.events));
}

export async function scheduleMeeting(
  ctx: GovernanceContext,
  actor: Actor | undefined,
  raw: unknown,
): Promise<Result<Meeting, Problem>> {
  if (!isClerk(actor)) return err(forbidden());
  const input = parse(ScheduleInput, raw);
  if (!input.ok) return input;
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const body = bodyIn(partnership, input.value.body);
  const startsAt = new Date(input.value.startsAt);
  const day = londonDay(startsAt);
  if (body === undefined)
    return err(badInput([{ path: 'body', message: 'Choose one of the partnership’s bodies' }]));
  if (!inForceOn(body, day))
    return err(badInput([{ path: 'body', message: `${body.name} is not in force on ${day}` }]));
  const id = await ctx.db.transaction(async (tx) => {
    const newId = await insertMeeting(tx, ctx.partnershipId, body.id, startsAt, actor, ctx.now);
    await insertMeetingEvent(
      tx,
      newId,
      {
        kind: 'scheduled',
        payload: {
          startsAt: startsAt.toISOString(),
          location: input.value.location,
          inPublic: body.meetsInPublic,
        },
      },
      actor,
      ctx.now,
    );
    return newId;
  });
  const meeting = await getMeeting(ctx.db, ctx.partnershipId, id);
  if (meeting === undefined) throw new Error(`meeting ${id} vanished after it was recorded`);
  return ok(meeting);
}

/** The register reference of a body's decision: its initials, the year, its number that year (PB-2025-003). */
export const decisionReference = (bodyId: string, year: number, number: number): string =>
  `${bodyId
    .split('-')
    .filter((word) => !['of', 'and', 'the', 'for'].includes(word))
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('')}-${year}-${String(number).padStart(3, '0')}`;

/**
 * Records something about a meeting (`command` names it: see COMMANDS). Anyone may ask a question (no sign-in);
 * everything else is a governance officer's.
 */
export async function recordAtMeeting(
  ctx: GovernanceContext,
  actor: Actor | undefined,
  meetingId: number,
  name: CommandName,
  raw: unknown,
): Promise<Result<Meeting, Problem>> {
  if (name !== 'question' && !isClerk(actor)) return err(forbidden());
  const input = parse(COMMANDS[name], raw);
  if (!input.ok) return input;
  const command = { name, input: input.value } as Command;
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const result = await inTransaction(ctx.db, async (tx) => {
    const locked = await lockMeeting(tx, ctx.partnershipId, meetingId);
    if (locked === undefined) return err(noMeeting(meetingId));
    const body = bodyIn(partnership, locked.bodyId);
    if (body === undefined)
      throw new Error(`meeting ${meetingId}'s body ${locked.bodyId} is not in the partnership`);
    const stored = await readMeetingEvents(tx, ctx.partnershipId, meetingId);
    if (stored === undefined) throw new Error(`meeting ${meetingId} has no events`);
    const meeting = foldMeeting(meetingId, locked.bodyId, stored.events);
    if (command.name === 'decision') await lockBody(tx, ctx.partnershipId, body.id);
    const proposalId =
      command.name === 'item'
        ? command.input.proposal
        : command.name === 'decision'
          ? meeting.items.find((i) => i.number === command.input.item)?.proposal
          : undefined;
    const proposal =
      proposalId === undefined ? undefined : await readProposal(tx, ctx.partnershipId, proposalId);
    const approving =
      command.name === 'approval'
        ? await getMeeting(tx, ctx.partnershipId, command.input.atMeeting)
        : undefined;
    const year = Number(meeting.day.slice(0, 4));
    const rules: RuleContext = {
      partnership,
      body,
      register: foldRegister(await readRegisterEvents(tx, ctx.partnershipId, body.id)),
      now: ctx.now,
      today: ctx.today,
      // A draft is its proposer's alone: to the rules, it does not exist.
      proposal: proposal !== undefined && proposal.routings.length > 0 ? proposal : undefined,
      proposalDecidedAs:
        proposalId === undefined ? undefined : await decisionOnProposal(tx, ctx.partnershipId, proposalId),
      approvingMeeting: approving,
      ...(command.name === 'decision'
        ? {
            nextReference: decisionReference(
              body.id,
              year,
              (await decisionsInYear(tx, ctx.partnershipId, body.id, year)) + 1,
            ),
          }
        : {}),
    };
    const decided = decide(meeting, command, rules);
    if (!decided.ok) return decided;
    const event = decided.value;
    const seq = await insertMeetingEvent(
      tx,
      meetingId,
      event,
      name === 'question' ? undefined : actor,
      ctx.now,
    );
    if (event.kind === 'decision-recorded') {
      const item = meeting.items.find((i) => i.number === event.payload.item);
      if (item === undefined) throw new Error('the decided item vanished');
      await insertDecisionEntry(
        tx,
        ctx.partnershipId,
        {
          reference: event.payload.reference,
          bodyId: body.id,
          meetingId,
          item: item.number,
          decidedOn: meeting.day,
          title: item.title,
          resolution: event.payload.resolution,
          outcome: event.payload.outcome,
          method: event.payload.method,
          votesFor: event.payload.votes?.for.length ?? 0,
          votesAgainst: event.payload.votes?.against.length ?? 0,
          abstentions: event.payload.votes?.abstain.length ?? 0,
          proposal: item.proposal,
          // A proposal's places; for the body's own business, the places it serves (all of them, for a system body).
          places:
            rules.proposal?.content.places ??
            (body.level === 'system' ? partnership.places.map((p) => p.id) : body.places),
          exemptParagraph: item.exempt?.paragraph,
          recordedAt: ctx.now,
        },
        seq,
      );
    }
    return ok(undefined);
  });
  if (!result.ok) return result;
  const meeting = await getMeeting(ctx.db, ctx.partnershipId, meetingId);
  if (meeting === undefined) throw new Error(`meeting ${meetingId} vanished after it was recorded`);
  return ok(meeting);
}
