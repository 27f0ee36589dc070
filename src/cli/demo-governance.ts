/**
 * @module cli/demo-governance
 * The demo's governance records, made once through the same workflow as the pages (so every rule is applied): the
 * seats of the bodies in force filled with fictional members, and a year of the Partnership Board in public — a
 * meeting held two months ago whose minutes were approved at the next, one held three weeks ago with a vote, a
 * declaration of interest and draft minutes, and one coming up with its agenda, a paper and a question from the
 * public — and a proposal for the demo's place, routed by subsidiarity to its Health and Wellbeing Board and on the
 * agenda of its next meeting. Names are invented; the demo never names a real board member.
 */
import type { Problem } from '../core/problem.js';
import { createDraft, submitProposal, type Actor, type GovernanceContext } from '../governance/index.js';
import {
  changeRegister,
  listMeetings,
  recordAtMeeting,
  scheduleMeeting,
  type Appointment,
  type CommandName,
} from '../governance/meetings/index.js';
import type { Partnership } from '../partnership/index.js';
import { inForceOn, londonDay } from '../partnership/views.js';
import type { Database } from '../store/database.js';

/** Invented names for the demo's members, used in turn. */
const NAMES = [
  'Cllr Joan Akroyd',
  'Cllr Imran Bashir',
  'Cllr Ruth Calvert',
  'Cllr Daniel Dyson',
  'Cllr Ellen Fairburn',
  'Cllr Tariq Hanif',
  'Dr Grace Holroyd',
  'Dr Sanjay Iqbal',
  'Margaret Jowett',
  'Peter Kershaw',
  'Dr Nadia Lister',
  'Owen Marsden',
  'Hannah Naylor',
  'Rebecca Oldroyd',
  'Kwame Pickles',
  'Susan Quarmby',
  'Dr Farah Rashid',
  'Michael Sutcliffe',
  'Alison Thackray',
  'Yusuf Umar',
  'Claire Varley',
  'Dr Ian Whiteley',
  'Zainab Yousaf',
  'Gillian Ackroyd',
  'Robert Brook',
  'Lindsey Crowther',
  'Dr Amir Dar',
  'Helen Ellis',
  'Martin Firth',
  'Sophie Greenwood',
];

const DAY_MS = 86_400_000;

/** The demo's governance officer, as an actor. */
async function officer(db: Database): Promise<Actor | undefined> {
  const [row] = await db.query<{ id: string; organisation_id: string }>(
    "SELECT id, organisation_id FROM app_user WHERE username = 'demo.governance'",
  );
  return row === undefined
    ? undefined
    : { userId: row.id, organisation: row.organisation_id, roles: ['officer'] };
}

/** Fails loudly: the demo's records are ours, so a refusal is a bug in this file, not the user's input. */
function must<T>(what: string, result: { ok: true; value: T } | { ok: false; error: Problem }): T {
  if (!result.ok) throw new Error(`demo governance: ${what} refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

export async function ensureDemoGovernance(
  db: Database,
  partnership: Partnership,
  place: string,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const partnershipId = partnership.info.id;
  if ((await listMeetings(db, partnershipId)).length > 0) {
    log('demo: meetings kept from an earlier start');
    return;
  }
  const actor = await officer(db);
  if (actor === undefined) throw new Error('demo governance: the demo officer is not seeded');
  const at = (daysFromNow: number, hour = 9): GovernanceContext => {
    const moment = new Date(
      Math.floor(now.getTime() / DAY_MS) * DAY_MS + daysFromNow * DAY_MS + hour * 3_600_000,
    );
    return { db, partnershipId, today: londonDay(moment), now: moment };
  };
  const day = (ctx: GovernanceContext) => ctx.today;

  // Members: every seat in force, of an organisation that exists, on the bodies that are in force today.
  const appointedFrom = day(at(-365));
  let name = 0;
  const registers = new Map<string, Appointment[]>();
  for (const body of partnership.bodies.filter((b) => inForceOn(b, day(at(0))))) {
    let register: Appointment[] = [];
    for (const seat of body.members) {
      const organisation = partnership.organisations.find((o) => o.id === seat.organisation);
      if (
        seat.organisation !== undefined &&
        (organisation === undefined || !inForceOn(organisation, appointedFrom))
      )
        continue;
      if (!inForceOn({ from: seat.from ?? body.from, to: seat.to ?? body.to }, appointedFrom)) continue;
      for (let n = 0; n < seat.seats; n += 1) {
        register = must(
          'an appointment',
          await changeRegister(at(-365), actor, body.id, {
            kind: 'appointed',
            input: {
              name: NAMES[name % NAMES.length],
              ...(seat.organisation === undefined
                ? { constituency: seat.constituency }
                : { organisation: seat.organisation }),
              role: seat.role,
              from: appointedFrom,
            },
          }),
        );
        name += 1;
      }
    }
    registers.set(body.id, register);
  }

  const board = partnership.bodies.find(
    (b) => b.id === 'partnership-board' || (b.kind === 'partnership-board' && inForceOn(b, day(at(0)))),
  );
  const boardMembers = board === undefined ? [] : (registers.get(board.id) ?? []);
  if (board !== undefined && boardMembers.length > 0) {
    const first = boardMembers[0];
    if (first !== undefined) {
      must(
        'an interest',
        await changeRegister(at(-300), actor, board.id, {
          kind: 'interest-registered',
          input: {
            appointment: first.id,
            category: 'non-financial-professional',
            description: 'Trustee of a local carers’ charity (invented for the demo)',
            from: day(at(-400)),
          },
        }),
      );
    }
    const record = async (ctx: GovernanceContext, meeting: number, command: CommandName, input: unknown) =>
      must(
        `${command} at meeting ${meeting}`,
        await recordAtMeeting(ctx, command === 'question' ? undefined : actor, meeting, command, input),
      );
    const schedule = async (days: number) =>
      must(
        'a meeting',
        await scheduleMeeting(at(days - 30), actor, {
          body: board.id,
          startsAt: at(days, 13).now.toISOString(),
          location: 'Council Chamber, Town Hall, and streamed online',
        }),
      ).id;
    const voting = boardMembers.filter((m) => m.voting);
    const present = voting
      .slice(0, Math.max(board.quorum.minimumVoting + 1, voting.length - 2))
      .map((m) => m.id);
    const apologies = voting.filter((m) => !present.includes(m.id)).map((m) => m.id);

    // Two months ago: the joint forward plan's refresh, agreed by consensus.
    const earlier = await schedule(-63);
    await record(at(-75), earlier, 'item', {
      title: 'Joint forward plan: annual refresh',
      purpose: 'procedural',
    });
    await record(at(-75), earlier, 'item', {
      title: 'Population health: the inequality gap this year',
      purpose: 'information',
    });
    await record(at(-72), earlier, 'paper', {
      item: 1,
      title: 'The refreshed joint forward plan',
      summary:
        'The partners’ shared plan for the next five years, refreshed with this year’s population health figures (demo).',
    });
    await record(at(-72), earlier, 'paper', {
      item: 2,
      title: 'Population health report',
      summary: 'Every indicator by place and deprivation quintile: see the population health pages.',
    });
    await record(at(-63, 15), earlier, 'attendance', { present, apologies });
    await record(at(-63, 15), earlier, 'decision', {
      item: 1,
      resolution:
        'The Board agreed the refreshed joint forward plan and commended it to the partners’ own boards.',
      method: 'consensus',
    });
    await record(at(-63, 15), earlier, 'action', {
      item: 2,
      action: 'Bring the carers’ identification figures by practice to the next meeting.',
      owner: actor.organisation,
      due: day(at(-21)),
    });
    await record(at(-60), earlier, 'minutes', {
      text: 'The Board met in public. It agreed the refreshed joint forward plan (decision recorded) and noted the population health report, asking for carers’ identification figures by practice at its next meeting.',
    });

    // Three weeks ago: a vote, with a declaration of interest; the earlier minutes approved.
    const recent = await schedule(-21);
    await record(at(-35), recent, 'item', {
      title: 'Carers’ breaks: a shared approach across the places',
      purpose: 'procedural',
    });
    await record(at(-34), recent, 'paper', {
      item: 1,
      title: 'Carers’ breaks: options',
      summary:
        'Three options for a shared approach to carers’ breaks, with the carers identified in each place (demo).',
    });
    await record(at(-35), recent, 'item', {
      title: 'Cancer transformation fund: release of the first tranche',
      purpose: 'procedural',
    });
    await record(at(-34), recent, 'paper', {
      item: 2,
      title: 'Lung health checks: milestone report',
      summary:
        'The extension of lung health checks to every place is complete; the first tranche can be released once the milestone is verified (demo).',
    });
    await record(at(-21, 15), recent, 'attendance', { present, apologies });
    if (first !== undefined && present.includes(first.id)) {
      await record(at(-21, 15), recent, 'declaration', {
        item: 1,
        member: first.id,
        interest: 'Trustee of a local carers’ charity',
        withdrew: true,
      });
    }
    const voters = present.filter((id) => id !== first?.id);
    await record(at(-21, 15), recent, 'decision', {
      item: 1,
      resolution:
        'The Board agreed to develop a shared approach to carers’ breaks, with each place deciding its own services.',
      method: 'vote',
      votesFor: voters.slice(0, voters.length - 2),
      votesAgainst: voters.slice(voters.length - 2, voters.length - 1),
      abstentions: voters.slice(voters.length - 1),
    });
    await record(at(-21, 15), recent, 'decision', {
      item: 2,
      resolution:
        'The Board agreed to release the first tranche of the cancer transformation fund once the lung health checks milestone is verified.',
      method: 'consensus',
    });
    await record(at(-21, 15), earlier, 'approval', { version: 1, atMeeting: recent });
    await record(at(-18), recent, 'minutes', {
      text: 'The Board met in public. One member declared an interest in item 1 and left the room. The Board agreed by vote to develop a shared approach to carers’ breaks.',
    });

    // In two weeks: the agenda, a paper, and a question from the public.
    const next = await schedule(14);
    await record(at(-2), next, 'item', { title: 'Minutes of the last meeting', purpose: 'procedural' });
    await record(at(-2), next, 'item', {
      title: 'Workforce: vacancies and turnover across the partners',
      purpose: 'information',
    });
    await record(at(-1), next, 'paper', {
      item: 2,
      title: 'Workforce report',
      summary:
        'Staff in post, vacancies and turnover by sector and place, from the partners’ quarterly returns: see the workforce pages.',
    });
    await record(at(-1, 10), next, 'question', {
      askedBy: 'A member of the public (demo)',
      question: 'How many unpaid carers in my area have been identified by their GP practice?',
    });
  }

  // The demo's place: a proposal that claims no test for collective action goes to its own board.
  const placeBody = partnership.places
    .find((p) => p.id === place)
    ?.decisionBodies?.find((d) => inForceOn(d, day(at(0))))?.body;
  if (placeBody !== undefined) {
    const proposer = { ...actor };
    const draft = must(
      'the place proposal',
      await createDraft(at(-10), proposer, {
        title: 'Extend the carers’ breaks service to evenings and weekends',
        summary: 'Fund evening and weekend sitting so that more unpaid carers can take a break.',
        places: [place],
        evidence:
          'Carers identified by practices have grown; breaks are the support they ask for most (demo).',
        tests: [],
      }),
    );
    must('the place proposal’s submission', await submitProposal(at(-10), proposer, draft.id, draft.version));
    const hwb = must(
      'the place meeting',
      await scheduleMeeting(at(-9), actor, {
        body: placeBody,
        startsAt: at(21, 13).now.toISOString(),
        location: 'Town Hall',
      }),
    ).id;
    must(
      'the place item',
      await recordAtMeeting(at(-8), actor, hwb, 'item', {
        title: 'Carers’ breaks in the evenings and at weekends',
        purpose: 'decision',
        proposal: draft.id,
      }),
    );
  }
  const meetings = await listMeetings(db, partnershipId);
  log(`demo: ${registers.size} bodies' members and ${meetings.length} meetings`);
}
