/**
 * @module cli/demo-peer-review
 * The demo's peer reviews: two, recorded through the same workflow as an officer's forms (so every check and the
 * audit apply), dated from today so the demo always shows the same picture —
 * - a review of one of the partnership's places, complete through its progress review: a self-assessment, the visit,
 *   a report on time, an action plan with three actions (one done on time, one done late, one still in progress),
 *   and the progress review;
 * - a review of the whole partnership whose visit ended four months ago and whose report is overdue.
 * The peers and their organisations are invented, and say so. Seeded once: a partnership that has any peer review
 * is left alone.
 */
import type { Clock } from '../access/clock.js';
import type { DemoUser } from '../access/demo-users.js';
import { problem, ProblemError, type Problem } from '../core/problem.js';
import type { Result } from '../core/result.js';
import {
  addAction,
  addDays,
  addMonths,
  recordStage,
  reportProgress,
  startReview,
  type Actor,
  type PeerReviewContext,
  type ReviewRecord,
} from '../outcomes/peer-review/index.js';
import type { Partnership } from '../partnership/index.js';
import { inForceOn, londonDay } from '../partnership/views.js';
import type { Database } from '../store/database.js';

const must = (result: Result<ReviewRecord, Problem>): ReviewRecord => {
  if (!result.ok) throw new ProblemError(result.error);
  return result.value;
};

/**
 * Seeds the two demo reviews, recorded by the demo's officers. Answers how many reviews it recorded: 0 when the
 * partnership already has reviews (or the demo has no officer).
 */
export async function seedDemoPeerReviews(
  db: Database,
  partnership: Partnership,
  users: readonly DemoUser[],
  clock: Clock,
): Promise<number> {
  const partnershipId = partnership.info.id;
  const [existing] = await db.query<{ any: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM peer_review WHERE partnership_id = $1) AS any',
    [partnershipId],
  );
  if (existing?.any === true) return 0;
  const officers = users.filter((u) => u.role === 'officer');
  const rows = await db.query<{ id: string; username: string }>(
    'SELECT id, username FROM app_user WHERE username = ANY($1::text[])',
    [officers.map((u) => u.username)],
  );
  const actors: Actor[] = officers.flatMap((u) => {
    const row = rows.find((r) => r.username === u.username);
    return row === undefined ? [] : [{ userId: row.id, organisation: u.organisation, roles: [u.role] }];
  });
  const [officer, governance = officer] = actors;
  if (officer === undefined || governance === undefined) return 0;

  const now = clock();
  const today = londonDay(now);
  const ctx: PeerReviewContext = { db, partnershipId, today, now };
  const place = partnership.places.find((p) => inForceOn(p, today));
  if (place === undefined) {
    throw new ProblemError(
      problem('configuration', `partnership ${partnershipId} has no place in force today`),
    );
  }
  const owners = partnership.organisations.filter((o) => inForceOn(o, today));
  const serving = owners.filter((o) => (o.places ?? []).includes(place.id));
  const ownerIds = [...serving, ...owners].map((o) => o.id);
  const owner = (i: number) => ownerIds[i % ownerIds.length] ?? '';

  // A complete review: the visit ended 20 months ago, and every stage since was done.
  const visitEnd = addMonths(today, -20);
  const visitStart = addDays(visitEnd, -3);
  let review = must(
    await startReview(ctx, officer, {
      subjectKind: 'place',
      subjectId: place.id,
      title: `Peer challenge of ${place.name}: integrated care for older people (demo)`,
      scope:
        'How well the partners in the place work together to keep older people well at home and get them home ' +
        'from hospital quickly. (Demo data: the review, its peers and its findings are invented.)',
      visitStart,
      visitEnd,
      actionPlanMonths: 2,
      peers: [
        {
          name: 'Cllr Margaret Hale',
          role: 'Lead peer (councillor)',
          organisation: 'Westmoor Council (invented)',
        },
        {
          name: 'Dr Samuel Osei',
          role: 'NHS peer',
          organisation: 'Eastdale NHS Foundation Trust (invented)',
        },
        { name: 'Linh Tran', role: 'Officer peer', organisation: 'Northfield Council (invented)' },
        { name: 'Robert Ames', role: 'Review manager', organisation: 'Peer review team (invented)' },
      ],
    }),
  );
  const stage = async (who: Actor, name: string, doneOn: string, summary: string, link?: string) => {
    review = must(await recordStage(ctx, who, review.id, { stage: name, doneOn, summary, link }));
  };
  await stage(
    officer,
    'self-assessment',
    addDays(visitStart, -10),
    'Position statement from the place’s partners: strengths, the three questions for the peers, and the data pack.',
  );
  await stage(
    governance,
    'visit',
    visitEnd,
    'Four days on site: 38 meetings with staff, councillors, carers and the voluntary sector.',
  );
  const reportOn = addMonths(visitEnd, 2);
  await stage(
    officer,
    'report',
    reportOn,
    'Strong shared leadership and a clear plan; discharge from hospital is slow at weekends, and carers are not ' +
      'asked what they need. Three recommendations.',
    'https://accord.invalid/demo/peer-challenge-report.pdf',
  );
  const planOn = addMonths(reportOn, 1);
  const items = [
    { action: 'Seven-day discharge team across the hospital and the council', due: addMonths(planOn, 3) },
    { action: 'Ask every carer of a person leaving hospital what they need', due: addMonths(planOn, 5) },
    { action: 'One shared dashboard of delayed discharges, published monthly', due: addMonths(planOn, 18) },
  ];
  for (const [i, item] of items.entries()) {
    review = must(
      await addAction(ctx, officer, review.id, {
        action: item.action,
        ownerOrganisation: owner(i),
        dueOn: item.due,
      }),
    );
  }
  await stage(
    officer,
    'action-plan',
    planOn,
    'Three actions agreed by the place’s board, each with an owner and a date.',
  );
  const [first, second, third] = review.actions;
  if (first === undefined || second === undefined || third === undefined)
    throw new Error('demo actions missing');
  const progress = async (actionId: number, status: string, asOf: string, note: string) => {
    review = must(await reportProgress(ctx, governance, review.id, actionId, { status, asOf, note }));
  };
  await progress(
    first.id,
    'in-progress',
    addMonths(planOn, 1),
    'Team recruited; weekend cover from next month.',
  );
  await progress(first.id, 'done', addDays(first.dueOn, -7), 'Discharges at weekends now match weekdays.');
  await progress(
    second.id,
    'in-progress',
    addMonths(planOn, 2),
    'Question added to the discharge checklist.',
  );
  await progress(
    second.id,
    'done',
    addDays(second.dueOn, 20),
    'Live on every ward, three weeks later than planned.',
  );
  await progress(third.id, 'in-progress', addMonths(planOn, 4), 'Data agreed; the first month published.');
  await stage(
    governance,
    'progress-review',
    addMonths(visitEnd, 11),
    'Two peers returned for a day: good progress on discharge; carers’ conversations started late.',
  );

  // A review whose report is overdue: the visit ended four months ago and the peers have not reported.
  const lateEnd = addMonths(today, -4);
  const lateStart = addDays(lateEnd, -2);
  const late = must(
    await startReview(ctx, governance, {
      subjectKind: 'partnership',
      subjectId: null,
      title: 'Peer challenge of the partnership: are we ready to pool budgets? (demo)',
      scope:
        'Whether the partners’ governance, finance and data sharing are ready for pooled budgets across the places. ' +
        '(Demo data: the review and its peers are invented.)',
      visitStart: lateStart,
      visitEnd: lateEnd,
      actionPlanMonths: 2,
      peers: [
        {
          name: 'Cllr David Rowe',
          role: 'Lead peer (councillor)',
          organisation: 'Southmoor Council (invented)',
        },
        { name: 'Amira Haddad', role: 'Finance peer', organisation: 'Western Lakes ICB (invented)' },
        { name: 'Peter Quinn', role: 'Review manager', organisation: 'Peer review team (invented)' },
      ],
    }),
  );
  review = late;
  await stage(
    governance,
    'self-assessment',
    addDays(lateStart, -14),
    'Self-assessment against the pooled budgets checklist, with the draft section 75 agreement.',
  );
  await stage(
    officer,
    'visit',
    lateEnd,
    'Three days on site with the partners’ finance directors and the board.',
  );
  return 2;
}
