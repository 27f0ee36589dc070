/**
 * @module record/case-finding
 * A care team's case-finding list: the people the viewer's organisation looks after now, highest risk of an emergency
 * admission first — so a practice or a community team can reach out before a crisis. It is direct care, so it goes
 * only through the shared record's access rules, person by person:
 *
 * - the people are those with a relationship with the viewer's organisation (`relationshipsOfOrganisation`), and
 *   each is kept only if `decideRecordAccess` allows the viewer clinical data on that relationship today — the same
 *   decision as opening their record, never break-glass (an emergency is one person, not a list);
 * - a person who has dissented from sharing is left out: their score is made from every partner's data, which the
 *   viewer's organisation may not see for them (the list says how many);
 * - scores are looked up by pseudonym (`identity/pseudonym.ts`) in the scores file the last build wrote
 *   (`population/store/risk-scores.ts`); people opted out of planning use (National Data Opt-out) are not in the
 *   analytic store, so have no score, and neither has anyone whose sex or home the model cannot use.
 *
 * A list shows name, NHS number and age, never address or contact details, so a restricted record shows the same as
 * any other. Whoever shows the list audits each person shown as a look at their record
 * (web/routes/case-finding-pages.ts).
 */
import { decideRecordAccess } from '../access/record-access.js';
import { err, ok, type Result } from '../core/result.js';
import { pseudonymOf, type PseudonymKey } from '../identity/pseudonym.js';
import { riskOf, type RiskFactor, type RiskModelReport } from '../population/segmentation/risk-model.js';
import { readRiskScores, type RiskScore } from '../population/store/risk-scores.js';
import type { Queryable } from '../store/index.js';
import type { Viewer } from './person-record.js';
import { patientsOfPersons, recordFlagsOfPersons, relationshipsOfOrganisation } from './relationships.js';

/** The list's kind, as its audit entries name it (`detail.list`), so "who looked at my record" can say it. */
export const EMERGENCY_RISK_LIST = 'emergency-admission-risk';

export interface CaseFindingEntry {
  readonly personId: string;
  /** The person's Patient records, for their name and NHS number. */
  readonly patientIds: readonly string[];
  /** The relationship the list relies on, as the audit and "who looked at my record" say it. */
  readonly reason: string;
  readonly score: RiskScore;
  /** The levels of the person's features that raise their risk, largest first, as the model's report states them. */
  readonly raisedBy: readonly RiskFactor[];
}

export interface CaseFindingList {
  /** The highest risks first (ties by person id, so a list is the same each time), at most the limit asked. */
  readonly entries: readonly CaseFindingEntry[];
  /** People the organisation has a current relationship with that lets the viewer see clinical data. */
  readonly caredFor: number;
  /** Of those, left out because they asked not to share their record between organisations. */
  readonly dissented: number;
  /** Of the rest, with no score (opted out of planning use, or not scorable by the model). */
  readonly unscored: number;
  /** Scored, whether shown or not. */
  readonly scored: number;
}

export interface RiskScores {
  readonly key: PseudonymKey;
  readonly file: string;
}

export async function caseFindingList(
  db: Queryable,
  viewer: Viewer,
  scores: RiskScores,
  /** The model the scores were made with (the build's report), to say what raises each person's risk. */
  model: Pick<RiskModelReport, 'intercept' | 'terms'>,
  now: Date,
  limit: number,
): Promise<Result<CaseFindingList, string>> {
  const related = await relationshipsOfOrganisation(db, viewer.organisation);
  const flags = await recordFlagsOfPersons(db, [...related.keys()]);
  const at = now.toISOString();
  const eligible: { personId: string; reason: string }[] = [];
  let caredFor = 0;
  let dissented = 0;
  for (const [personId, relationships] of related) {
    const decision = decideRecordAccess({
      roles: viewer.roles,
      organisation: viewer.organisation,
      relationships,
      dissent: flags.get(personId)?.dissent ?? false,
      restricted: flags.get(personId)?.restricted ?? false,
      at,
    });
    if (!decision.allowed || decision.scope !== 'clinical') continue;
    caredFor++;
    if (decision.sources !== 'all') dissented++;
    else eligible.push({ personId, reason: decision.reason });
  }
  const pseudonyms = new Map(
    eligible.map((person) => [person.personId, pseudonymOf(scores.key, person.personId)]),
  );
  const found = await readRiskScores(scores.file, [...pseudonyms.values()]);
  if (!found.ok) return err(found.error);
  const scored = eligible
    .flatMap((person) => {
      const score = found.value.get(pseudonyms.get(person.personId) ?? '');
      return score === undefined ? [] : [{ ...person, score }];
    })
    .sort((a, b) => b.score.risk - a.score.risk || a.personId.localeCompare(b.personId));
  const shown = scored.slice(0, limit);
  const patients = await patientsOfPersons(
    db,
    shown.map((person) => person.personId),
  );
  return ok({
    entries: shown.map((person) => ({
      ...person,
      patientIds: (patients.get(person.personId) ?? []).map((patient) => patient.patientId),
      raisedBy: riskOf(model, person.score).raisedBy,
    })),
    caredFor,
    dissented,
    unscored: eligible.length - scored.length,
    scored: scored.length,
  });
}
