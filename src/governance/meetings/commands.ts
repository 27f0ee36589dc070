/**
 * @module governance/meetings/commands
 * What people ask to record about a meeting, as the forms and the API send it: checked for shape here (every field,
 * with a message a person can act on), then against the meeting, the body and the partnership by `rules.ts`.
 */
import { z } from 'zod';
import { Id } from '../../partnership/index.js';
import { requiredText } from '../proposal.js';
import { IsoDay } from './members.js';
import {
  DECISION_METHODS,
  ITEM_PURPOSES,
  SCHEDULE_12A,
  type DecisionMethod,
  type ItemPurpose,
} from './meeting.js';

const memberIds = z.array(z.number().int().positive(), { error: 'must be a list of members' }).default([]);
/** Text that may be left out; when given, not blank (a form leaves out a box left empty). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank: leave it out instead')
    .max(max, `must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional();

export const ScheduleInput = z
  .object({
    body: Id,
    /** When it starts: an ISO date-time with its offset, e.g. 2025-06-12T14:00:00+01:00. */
    startsAt: z.iso.datetime({ offset: true, error: 'Enter the date and time the meeting starts' }),
    location: requiredText(
      'Enter where the meeting is held (an address, or "online" with how to watch)',
      500,
    ),
  })
  .strict();

export const CancelInput = z
  .object({ reason: requiredText('Enter why the meeting is cancelled', 2000) })
  .strict();

export const ItemInput = z
  .object({
    title: requiredText('Enter the item’s title', 300),
    purpose: z.enum(Object.keys(ITEM_PURPOSES) as [ItemPurpose, ...ItemPurpose[]], {
      error: 'Choose what the item is for',
    }),
    /** The proposal the item decides (a routed proposal's number); only for items for decision. */
    proposal: z.number().int().positive().optional(),
    /** Schedule 12A paragraph, when the item is exempt; with the public-interest statement. */
    exemptParagraph: z
      .number()
      .int()
      .refine((n) => SCHEDULE_12A[n] !== undefined, 'must be a paragraph of Schedule 12A, 1 to 7')
      .optional(),
    publicInterest: optionalText(5000),
  })
  .strict();

export const PaperInput = z
  .object({
    item: z.number({ error: 'Choose the item' }).int().positive(),
    title: requiredText('Enter the paper’s title', 300),
    summary: requiredText('Enter the paper’s text or summary', 20000),
    lateReason: optionalText(2000),
  })
  .strict();

export const QuestionInput = z
  .object({
    askedBy: requiredText('Enter your name (it is published with your question)', 200),
    question: requiredText('Enter your question', 2000),
  })
  .strict();

export const AnswerInput = z
  .object({
    question: z.number({ error: 'Choose the question' }).int().positive(),
    answer: requiredText('Enter the answer', 5000),
  })
  .strict();

export const AttendanceInput = z
  .object({
    present: memberIds,
    apologies: memberIds,
    /** Why the attendance is recorded again (a correction); not needed the first time. */
    reason: optionalText(2000),
  })
  .strict();

export const DeclarationInput = z
  .object({
    item: z.number({ error: 'Choose the item' }).int().positive(),
    member: z.number({ error: 'Choose the member' }).int().positive(),
    interest: requiredText('Describe the interest', 2000),
    withdrew: z.boolean().default(false),
  })
  .strict();

export const DecisionInput = z
  .object({
    item: z.number({ error: 'Choose the item' }).int().positive(),
    resolution: requiredText('Enter what was resolved, in the words of the minutes', 5000),
    method: z.enum(Object.keys(DECISION_METHODS) as [DecisionMethod, ...DecisionMethod[]], {
      error: 'Choose how it was decided',
    }),
    votesFor: memberIds,
    votesAgainst: memberIds,
    abstentions: memberIds,
  })
  .strict();

export const ActionInput = z
  .object({
    item: z.number({ error: 'Choose the item' }).int().positive(),
    action: requiredText('Enter the action', 2000),
    owner: Id,
    due: IsoDay,
  })
  .strict();

export const MinutesInput = z
  .object({
    text: requiredText('Enter the minutes', 50000),
    reason: optionalText(2000),
  })
  .strict();

export const ApprovalInput = z
  .object({
    version: z.number({ error: 'Choose the draft approved' }).int().positive(),
    atMeeting: z.number({ error: 'Choose the meeting that approved them' }).int().positive(),
  })
  .strict();

/** Every command on an existing meeting, by the name its form and API use. */
export const COMMANDS = {
  cancel: CancelInput,
  item: ItemInput,
  paper: PaperInput,
  question: QuestionInput,
  answer: AnswerInput,
  attendance: AttendanceInput,
  declaration: DeclarationInput,
  decision: DecisionInput,
  action: ActionInput,
  minutes: MinutesInput,
  approval: ApprovalInput,
} as const;
export type CommandName = keyof typeof COMMANDS;
export type Command = {
  [K in CommandName]: { readonly name: K; readonly input: z.infer<(typeof COMMANDS)[K]> };
}[CommandName];
