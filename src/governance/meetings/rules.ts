/**
 * @module governance/meetings/rules
 * What may be recorded about a meeting, and the event it becomes. Pure: given the meeting so far, the command and
 * what the records say around it (the body and its quorum rule, its members on the day, the proposal an item
 * decides, the meeting approving minutes), it returns the event to store or the reason it is refused:
 *
 * - papers published fewer than five clear days before the meeting are flagged late, and need the reason;
 * - an exempt item needs a Schedule 12A paragraph and the public-interest statement;
 * - an item for decision carries a proposal routed to this body; a decision on it is refused when the proposal has
 *   been routed elsewhere since, its routing is under challenge, or the delegation it was routed under is not in
 *   force on the meeting's day — so a body decides only within its delegation;
 * - a decision needs a quorum for its item: members who declared an interest in it take no part and do not count;
 *   their votes are refused;
 * - a vote's outcome is counted from the votes, never typed: agreed when more were for than against;
 * - minutes are approved at a later meeting of the same body that was held and quorate.
 */
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Body, Partnership } from '../../partnership/index.js';
import { inForceOn } from '../../partnership/views.js';
import type { ProposalRecord } from '../repository.js';
import { clearDaysBetween, CLEAR_DAYS, type Day } from './clear-days.js';
import type { Command } from './commands.js';
import { held, withdrawnFrom, type Item, type Meeting, type MeetingEvent } from './meeting.js';
import { membersOn, type Appointment } from './members.js';
import { quorum } from './quorum.js';

/** Questions from the public close this many clear days before the meeting (Accord's default; councils use 2–3). */
export const QUESTION_CLEAR_DAYS = 3;

/** Whether the public may still ask a question for the meeting on `today`. */
export function questionsOpen(meeting: Meeting, today: Day): boolean {
  return (
    meeting.inPublic &&
    meeting.cancelled === undefined &&
    !held(meeting) &&
    today < meeting.day &&
    clearDaysBetween(today, meeting.day) >= QUESTION_CLEAR_DAYS
  );
}

export interface RuleContext {
  readonly partnership: Partnership;
  readonly body: Body;
  /** The body's register: every appointment, ended or not. */
  readonly register: readonly Appointment[];
  readonly now: Date;
  /** Today in London. */
  readonly today: Day;
  /** The proposal an item names (for adding the item and deciding it), when it exists and is public. */
  readonly proposal?: ProposalRecord | undefined;
  /** The register reference of a decision already made on that proposal, at any meeting. */
  readonly proposalDecidedAs?: string | undefined;
  /** The meeting named as approving the minutes, when it exists. */
  readonly approvingMeeting?: Meeting | undefined;
  /** The register reference the next decision of this body takes. */
  readonly nextReference?: string;
}

const refused = (title: string, fix?: string): Problem => problem('conflict', title, fix);
const badInput = (issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    'Some of what you entered cannot be recorded.',
    'Correct the fields listed. Nothing was saved.',
    issues,
  );

const itemOf = (meeting: Meeting, number: number): Item | undefined =>
  meeting.items.find((i) => i.number === number);

/** The members on the meeting's day, by id. */
const membersByIdOn = (ctx: RuleContext, meeting: Meeting) =>
  new Map(membersOn(ctx.register, meeting.day).map((m) => [m.id, m]));

/** The members present at the meeting (by its latest attendance record). */
export function presentAt(meeting: Meeting, register: readonly Appointment[]): Appointment[] {
  const present = new Set(meeting.attendance?.present ?? []);
  return register.filter((m) => present.has(m.id));
}

/** Whether the members present for `item` make a quorum: those who declared an interest in it do not count. */
export function itemQuorum(
  ctx: Pick<RuleContext, 'partnership' | 'body' | 'register'>,
  meeting: Meeting,
  item: Item,
) {
  const withdrawn = withdrawnFrom(item);
  const declared = new Set(item.declarations.map((d) => d.member));
  const counted = presentAt(meeting, ctx.register).filter((m) => !declared.has(m.id) && !withdrawn.has(m.id));
  return quorum(ctx.partnership, ctx.body, counted);
}

/**
 * Why a decision on this proposal is outside the body's power on the meeting's day, or undefined when it is within
 * it: the proposal's current routing must still name the body, with no challenge open, under a delegation in force.
 */
export function delegationRefusal(
  ctx: Pick<RuleContext, 'partnership' | 'body'>,
  proposal: ProposalRecord,
  day: Day,
): string | undefined {
  const routing = proposal.routings.at(-1);
  if (routing === undefined)
    return `Proposal ${proposal.id} has not been submitted, so nothing routes it here.`;
  if (proposal.withdrawal !== undefined) {
    return `Proposal ${proposal.id} was withdrawn by its proposer (${proposal.withdrawal.reason}).`;
  }
  if (!routing.bodies.includes(ctx.body.id)) {
    return `Proposal ${proposal.id} is routed to ${routing.bodies.length === 0 ? 'the partners’ own boards' : routing.bodies.join(', ')}, not to ${ctx.body.name}: it is outside this body’s delegation.`;
  }
  const open = proposal.challenges.filter((c) => c.resolution === undefined);
  if (open.length > 0) {
    return `The routing of proposal ${proposal.id} is under challenge: it cannot be decided until the challenge is resolved.`;
  }
  if (routing.rule === 'system-delegation') {
    const delegation = ctx.partnership.delegations.find((d) => d.id === routing.delegation);
    if (delegation === undefined || !inForceOn(delegation, day) || delegation.delegatedTo !== ctx.body.id) {
      return `The delegation proposal ${proposal.id} was routed under (${routing.delegation ?? 'none'}) is not in force for ${ctx.body.name} on ${day}: the matter is outside its delegation now.`;
    }
  }
  return undefined;
}

function checkVotes(
  ctx: RuleContext,
  meeting: Meeting,
  item: Item,
  votes: { for: readonly number[]; against: readonly number[]; abstain: readonly number[] },
): Issue[] {
  const issues: Issue[] = [];
  const present = new Map(presentAt(meeting, ctx.register).map((m) => [m.id, m]));
  const declared = new Map(item.declarations.map((d) => [d.member, d]));
  const seen = new Set<number>();
  const lists = [
    ['votesFor', votes.for],
    ['votesAgainst', votes.against],
    ['abstentions', votes.abstain],
  ] as const;
  for (const [path, ids] of lists) {
    for (const id of ids) {
      const member = ctx.register.find((m) => m.id === id);
      const name = member?.name ?? `member ${id}`;
      if (seen.has(id)) issues.push({ path, message: `${name} is counted more than once` });
      seen.add(id);
      if (!present.has(id)) issues.push({ path, message: `${name} was not present, so cannot vote` });
      else if (member !== undefined && !member.voting)
        issues.push({ path, message: `${name} holds a non-voting seat` });
      if (declared.has(id)) {
        issues.push({
          path,
          message: `${name} declared an interest in this item (${declared.get(id)?.interest ?? ''}) and is excluded from the vote`,
        });
      }
    }
  }
  if (votes.for.length + votes.against.length + votes.abstain.length === 0) {
    issues.push({ path: 'votesFor', message: 'Record how each member voted (for, against or abstaining)' });
  }
  return issues;
}

export function decide(meeting: Meeting, command: Command, ctx: RuleContext): Result<MeetingEvent, Problem> {
  if (meeting.cancelled !== undefined) {
    return err(
      refused(`This meeting was cancelled (${meeting.cancelled.reason}); nothing more can be recorded.`),
    );
  }
  const isHeld = held(meeting);
  const started = ctx.now >= meeting.startsAt;
  switch (command.name) {
    case 'cancel':
      if (isHeld)
        return err(
          refused('The meeting has been held (its attendance is recorded); it cannot be cancelled.'),
        );
      return ok({ kind: 'cancelled', payload: { reason: command.input.reason } });

    case 'item': {
      const input = command.input;
      if (isHeld)
        return err(
          refused('The meeting has been held; its agenda is closed.', 'Put the item on a later meeting.'),
        );
      const issues: Issue[] = [];
      if ((input.exemptParagraph === undefined) !== (input.publicInterest === undefined)) {
        issues.push({
          path: input.exemptParagraph === undefined ? 'exemptParagraph' : 'publicInterest',
          message:
            'An exempt item needs both its Schedule 12A paragraph and the statement of why the public interest in keeping it private outweighs the interest in disclosing it',
        });
      }
      if (input.purpose === 'decision' && input.proposal === undefined) {
        issues.push({
          path: 'proposal',
          message: 'Choose the proposal the item decides (an item for decision decides a routed proposal)',
        });
      }
      if (input.purpose !== 'decision' && input.proposal !== undefined) {
        issues.push({ path: 'proposal', message: 'Only an item for decision carries a proposal' });
      }
      if (input.proposal !== undefined) {
        if (ctx.proposal === undefined)
          issues.push({ path: 'proposal', message: `There is no submitted proposal ${input.proposal}` });
        else {
          const why = delegationRefusal(ctx, ctx.proposal, meeting.day);
          if (why !== undefined) issues.push({ path: 'proposal', message: why });
          if (ctx.proposalDecidedAs !== undefined) {
            issues.push({
              path: 'proposal',
              message: `Proposal ${input.proposal} has been decided (${ctx.proposalDecidedAs})`,
            });
          }
          if (meeting.items.some((i) => i.proposal === input.proposal)) {
            issues.push({
              path: 'proposal',
              message: `Proposal ${input.proposal} is already on this agenda`,
            });
          }
        }
      }
      if (issues.length > 0) return err(badInput(issues));
      return ok({
        kind: 'item-added',
        payload: {
          number: meeting.items.length + 1,
          title: input.title,
          purpose: input.purpose,
          ...(input.proposal === undefined ? {} : { proposal: input.proposal }),
          ...(input.exemptParagraph === undefined || input.publicInterest === undefined
            ? {}
            : { exempt: { paragraph: input.exemptParagraph, publicInterest: input.publicInterest } }),
        },
      });
    }

    case 'paper': {
      const input = command.input;
      if (itemOf(meeting, input.item) === undefined)
        return err(badInput([{ path: 'item', message: 'There is no such item on the agenda' }]));
      if (isHeld) return err(refused('The meeting has been held; papers are published before it.'));
      const clearDays = ctx.today < meeting.day ? clearDaysBetween(ctx.today, meeting.day) : 0;
      if (clearDays < CLEAR_DAYS && input.lateReason === undefined) {
        return err(
          badInput([
            {
              path: 'lateReason',
              message: `Published today, the paper has ${clearDays} clear day${clearDays === 1 ? '' : 's'} before the meeting, fewer than ${CLEAR_DAYS}: enter why it is late (the reason is published with it)`,
            },
          ]),
        );
      }
      return ok({
        kind: 'paper-published',
        payload: {
          item: input.item,
          title: input.title,
          summary: input.summary,
          publishedOn: ctx.today,
          clearDays,
          ...(clearDays < CLEAR_DAYS && input.lateReason !== undefined
            ? { lateReason: input.lateReason }
            : {}),
        },
      });
    }

    case 'question': {
      if (!meeting.inPublic)
        return err(refused('This body does not meet in public, so it takes no public questions.'));
      if (!questionsOpen(meeting, ctx.today)) {
        return err(
          refused(
            `Questions for this meeting closed ${QUESTION_CLEAR_DAYS} clear working days before it.`,
            'Ask your question for the next meeting.',
          ),
        );
      }
      return ok({ kind: 'question-submitted', payload: command.input });
    }

    case 'answer': {
      const question = meeting.questions.find((q) => q.id === command.input.question);
      if (question === undefined)
        return err(badInput([{ path: 'question', message: 'There is no such question' }]));
      if (question.answer !== undefined) return err(refused('That question has been answered already.'));
      return ok({ kind: 'question-answered', payload: command.input });
    }

    case 'attendance': {
      const input = command.input;
      if (!started)
        return err(refused('The meeting has not started yet; attendance is recorded at or after it.'));
      const members = membersByIdOn(ctx, meeting);
      const issues: Issue[] = [];
      for (const [path, ids] of [
        ['present', input.present],
        ['apologies', input.apologies],
      ] as const) {
        for (const id of ids) {
          if (!members.has(id))
            issues.push({
              path,
              message: `Member ${id} does not hold a seat on ${ctx.body.name} on ${meeting.day}`,
            });
        }
      }
      for (const id of input.present) {
        if (input.apologies.includes(id))
          issues.push({
            path: 'apologies',
            message: `${members.get(id)?.name ?? id} cannot be both present and absent`,
          });
      }
      if (input.present.length === 0) issues.push({ path: 'present', message: 'Choose the members present' });
      if (meeting.attendance !== undefined && input.reason === undefined) {
        issues.push({
          path: 'reason',
          message: 'The attendance is already recorded: enter why it is corrected',
        });
      }
      if (issues.length > 0) return err(badInput(issues));
      if (meeting.items.some((i) => i.decision !== undefined)) {
        return err(refused('Decisions have been recorded on this attendance, so it cannot be changed.'));
      }
      return ok({
        kind: 'attendance-recorded',
        payload: {
          present: input.present,
          apologies: input.apologies,
          ...(input.reason === undefined || meeting.attendance === undefined ? {} : { reason: input.reason }),
        },
      });
    }

    case 'declaration': {
      const input = command.input;
      const item = itemOf(meeting, input.item);
      if (item === undefined)
        return err(badInput([{ path: 'item', message: 'There is no such item on the agenda' }]));
      if (!isHeld) return err(refused('Interests are declared at the meeting: record the attendance first.'));
      if (item.decision !== undefined)
        return err(refused('The item has been decided; declarations come before the decision.'));
      if (!(meeting.attendance?.present ?? []).includes(input.member)) {
        return err(badInput([{ path: 'member', message: 'Only a member present can declare an interest' }]));
      }
      if (item.declarations.some((d) => d.member === input.member)) {
        return err(refused('That member has already declared an interest in this item.'));
      }
      return ok({ kind: 'interest-declared', payload: input });
    }

    case 'decision': {
      const input = command.input;
      const item = itemOf(meeting, input.item);
      if (item === undefined)
        return err(badInput([{ path: 'item', message: 'There is no such item on the agenda' }]));
      if (item.purpose === 'information')
        return err(refused(`Item ${item.number} is for information; nothing is decided on it.`));
      if (!isHeld) return err(refused('The meeting has not been held: record its attendance first.'));
      if (item.decision !== undefined)
        return err(refused(`Item ${item.number} has been decided (${item.decision.reference}).`));
      if (!inForceOn(ctx.body, meeting.day))
        return err(refused(`${ctx.body.name} is not in force on ${meeting.day}.`));
      if (item.proposal !== undefined) {
        if (ctx.proposal === undefined) return err(refused(`Proposal ${item.proposal} cannot be found.`));
        const why = delegationRefusal(ctx, ctx.proposal, meeting.day);
        if (why !== undefined) return err(refused(why));
        if (ctx.proposalDecidedAs !== undefined) {
          return err(
            refused(`Proposal ${item.proposal} has been decided already (${ctx.proposalDecidedAs}).`),
          );
        }
      }
      const found = itemQuorum(ctx, meeting, item);
      if (!found.quorate) {
        return err(
          refused(
            `The meeting is not quorate for item ${item.number}, so no decision can be recorded. ${found.reasons.join(' ')}`,
          ),
        );
      }
      const votes = { for: input.votesFor, against: input.votesAgainst, abstain: input.abstentions };
      if (input.method === 'vote') {
        const issues = checkVotes(ctx, meeting, item, votes);
        if (issues.length > 0) return err(badInput(issues));
      } else if (votes.for.length + votes.against.length + votes.abstain.length > 0) {
        return err(
          badInput([
            {
              path: 'method',
              message: 'A decision by consensus records no votes: choose "By vote" to record them',
            },
          ]),
        );
      }
      if (ctx.nextReference === undefined) throw new Error('the next decision reference was not given');
      return ok({
        kind: 'decision-recorded',
        payload: {
          item: item.number,
          reference: ctx.nextReference,
          resolution: input.resolution,
          method: input.method,
          ...(input.method === 'vote' ? { votes } : {}),
          outcome:
            input.method === 'consensus' || votes.for.length > votes.against.length ? 'agreed' : 'not-agreed',
        },
      });
    }

    case 'action': {
      const input = command.input;
      if (itemOf(meeting, input.item) === undefined)
        return err(badInput([{ path: 'item', message: 'There is no such item on the agenda' }]));
      if (!isHeld) return err(refused('Actions are recorded at the meeting: record the attendance first.'));
      const issues: Issue[] = [];
      const owner = ctx.partnership.organisations.find((o) => o.id === input.owner);
      if (owner === undefined || !inForceOn(owner, meeting.day))
        issues.push({ path: 'owner', message: 'Choose a partner organisation in force' });
      if (input.due < meeting.day)
        issues.push({ path: 'due', message: `must be on or after the meeting (${meeting.day})` });
      if (issues.length > 0) return err(badInput(issues));
      return ok({ kind: 'action-recorded', payload: input });
    }

    case 'minutes':
      if (!isHeld)
        return err(refused('Minutes are drafted after the meeting is held (its attendance recorded).'));
      if (meeting.approval !== undefined)
        return err(refused('The minutes have been approved; they are no longer changed.'));
      if (meeting.minutes.length > 0 && command.input.reason === undefined) {
        return err(badInput([{ path: 'reason', message: 'A draft exists: enter why it is revised' }]));
      }
      return ok({
        kind: 'minutes-drafted',
        payload: {
          text: command.input.text,
          ...(meeting.minutes.length > 0 && command.input.reason !== undefined
            ? { reason: command.input.reason }
            : {}),
        },
      });

    case 'approval': {
      const { version, atMeeting } = command.input;
      if (meeting.approval !== undefined) return err(refused('The minutes have been approved already.'));
      const latest = meeting.minutes.at(-1);
      if (latest === undefined) return err(refused('There are no draft minutes to approve.'));
      if (version !== latest.version) {
        return err(
          badInput([
            { path: 'version', message: `Only the latest draft (version ${latest.version}) can be approved` },
          ]),
        );
      }
      const at = ctx.approvingMeeting;
      const issues: Issue[] = [];
      if (at === undefined || at.bodyId !== meeting.bodyId) {
        issues.push({
          path: 'atMeeting',
          message: `Minutes are approved at a later meeting of ${ctx.body.name}`,
        });
      } else if (at.startsAt <= meeting.startsAt) {
        issues.push({
          path: 'atMeeting',
          message: 'The approving meeting must come after the meeting minuted',
        });
      } else if (at.cancelled !== undefined || !held(at)) {
        issues.push({
          path: 'atMeeting',
          message: 'The approving meeting has not been held (its attendance is not recorded)',
        });
      } else {
        const q = quorum(ctx.partnership, ctx.body, presentAt(at, ctx.register));
        if (!q.quorate)
          issues.push({
            path: 'atMeeting',
            message: `The approving meeting was not quorate: ${q.reasons.join(' ')}`,
          });
      }
      if (issues.length > 0) return err(badInput(issues));
      return ok({ kind: 'minutes-approved', payload: { version, atMeeting } });
    }
  }
}
