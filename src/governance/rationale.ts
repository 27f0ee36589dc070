/**
 * @module governance/rationale
 * A routing in words: the rationale recorded with it and shown to everyone, naming the rule applied, the tests for
 * collective action claimed (and any found not met), the delegation used or why each one did not fit, and who
 * decides. Written from the routing's findings and the partnership it was made with, so the words always match the
 * data; stored as sentences, so a later change of wording never rewrites what was recorded.
 */
import { formatPence, poundsToPence } from '../core/money.js';
import type { Partnership } from '../partnership/index.js';
import type { DelegationFinding, Routing, RoutingInput } from './routing.js';

export const RULE_NAMES: Record<Routing['rule'], string> = {
  'single-place': 'decided in its place',
  'each-place': 'decided by each place affected',
  'system-delegation': 'decided by the system body under a delegation',
  'partners-own-boards': "decided by the partners' own boards",
};

export const longDate = (iso: string): string =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** A person's words as a sentence: trimmed, ending with a full stop (or their own ? or !). */
export const asSentence = (text: string): string => {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** 'A', 'A and B', 'A, B and C'. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

class Names {
  constructor(private readonly p: Partnership) {}
  place = (id: string) => this.p.places.find((x) => x.id === id)?.name ?? id;
  body = (id: string) => this.p.bodies.find((x) => x.id === id)?.name ?? id;
  organisation = (id: string) => this.p.organisations.find((x) => x.id === id)?.name ?? id;
  programme = (id: string) => this.p.programmes.find((x) => x.id === id)?.name ?? id;
  test = (id: string) => this.p.tests.find((x) => x.id === id)?.name ?? id;
  delegation = (id: string) => this.p.delegations.find((x) => x.id === id);
}

const RULE_SENTENCES: Record<'place' | 'system' | 'partners', string> = {
  place:
    'Rule: a proposal that meets no test for collective action is decided in the place it affects (subsidiarity).',
  system:
    "Rule: a proposal that meets one or more tests for collective action goes to the system body within whose delegation the matter falls — its programme, the places it affects and its financial limit — on the proposal's date.",
  partners:
    "Rule: a matter that no delegation covers, or that is reserved to the partners, goes to the partners' own boards: partners keep their powers, and none is bound against its own governance.",
};

function testsSentences(routing: Routing, names: Names): string[] {
  const claimed = routing.testsClaimed.map(names.test);
  const sentences = [
    claimed.length === 0
      ? 'Tests for collective action claimed: none.'
      : `Tests for collective action claimed: ${listInWords(claimed)}.`,
  ];
  if (routing.testsNotMet !== undefined && routing.testsNotMet.tests.length > 0) {
    const met = routing.testsMet.map(names.test);
    sentences.push(
      `On challenge, ${listInWords(routing.testsNotMet.tests.map(names.test))} ${routing.testsNotMet.tests.length === 1 ? 'was' : 'were'} found not met: ${asSentence(routing.testsNotMet.reason)} ` +
        (met.length === 0 ? 'No test claimed is taken as met.' : `Taken as met: ${listInWords(met)}.`),
    );
  }
  return sentences;
}

function findingSentence(finding: DelegationFinding, names: Names, programme: string): string {
  const what = `The delegation '${finding.delegation}' to the ${names.body(finding.body)} covers ${programme}`;
  switch (finding.verdict) {
    case 'within':
      return `${what} and also fits.`;
    case 'not-in-force':
      return finding.to === undefined
        ? `${what}, but comes into force only on ${longDate(finding.from)}.`
        : `${what}, but was in force only from ${longDate(finding.from)} to ${longDate(finding.to)}.`;
    case 'body-not-in-force':
      return `${what}, but the body was not in force on the proposal's date.`;
    case 'places-not-covered':
      return `${what}, but none of the organisations that made it acts for ${listInWords(finding.places.map(names.place))}.`;
    case 'over-limit':
      return `${what}, but its financial limit is ${formatPence(finding.limitPence)} for a single commitment and the proposal involves ${formatPence(finding.moneyPence)}.`;
    case 'no-limit':
      return `${what}, but it records no financial limit, so it commits no money, and the proposal involves ${formatPence(finding.moneyPence)}.`;
  }
}

/** The rationale of `routing`, made for `input` with partnership `p`: sentences, in the order they are read. */
export function rationale(p: Partnership, input: RoutingInput, routing: Routing): string[] {
  const names = new Names(p);
  const on = longDate(routing.asOf);
  const placeNames = listInWords(input.places.map(names.place));
  const programme =
    input.programme === undefined ? undefined : `the ${names.programme(input.programme)} programme`;

  switch (routing.rule) {
    case 'single-place':
    case 'each-place': {
      const sentences = [RULE_SENTENCES.place, ...testsSentences(routing, names)];
      const deciders = routing.placeBodies.map((d) => `${names.place(d.place)}: the ${names.body(d.body)}`);
      if (routing.rule === 'single-place') {
        const [only] = routing.placeBodies;
        if (only !== undefined) {
          sentences.push(
            `It affects one place, ${names.place(only.place)}, whose decision-making body on ${on} is the ${names.body(only.body)}.`,
          );
        }
      } else {
        sentences.push(
          `It affects ${input.places.length} places (${placeNames}) but meets no test for collective action, so nothing in it is shown to need the whole partnership: each place decides for its own area, through its decision-making body on ${on} — ${deciders.join('; ')}.`,
          'If it works only if the places act together, it meets a test for collective action it did not claim, and a member can challenge this routing.',
        );
      }
      const prog = p.programmes.find((x) => x.id === input.programme);
      if (prog?.level === 'system') {
        sentences.push(
          `Its programme, ${prog.name}, works at system level, but this proposal meets no test for collective action itself, so its place decides it.`,
        );
      }
      sentences.push(`So it goes to: ${listInWords(routing.bodies.map((id) => `the ${names.body(id)}`))}.`);
      return sentences;
    }
    case 'system-delegation': {
      const sentences = [RULE_SENTENCES.system, ...testsSentences(routing, names)];
      const d = routing.delegation === undefined ? undefined : names.delegation(routing.delegation);
      if (d !== undefined) {
        const since =
          d.to === undefined ? `since ${longDate(d.from)}` : `from ${longDate(d.from)} to ${longDate(d.to)}`;
        sentences.push(
          `On ${on} the matter — ${programme ?? 'its programme'}, affecting ${placeNames} — falls within the delegation '${d.id}' from ${listInWords(d.delegatedBy.map(names.organisation))} to the ${names.body(d.delegatedTo)} (${d.instrument}), in force ${since}.`,
        );
        const money = input.moneyPence ?? 0;
        const limit = d.financialLimit === undefined ? undefined : poundsToPence(d.financialLimit.value);
        if (money === 0) {
          sentences.push('The proposal involves no money, so no financial limit applies.');
        } else if (limit !== undefined) {
          sentences.push(
            `Its financial limit for a single commitment is ${formatPence(limit)}; the proposal involves ${formatPence(money)}, within it.`,
          );
        }
      }
      const others = routing.findings.filter(
        (f) => f.verdict === 'within' && f.delegation !== routing.delegation,
      );
      for (const other of others) {
        sentences.push(
          `It also falls within the delegation '${other.delegation}' to the ${names.body(other.body)}; the one listed first in the register of delegations is used.`,
        );
      }
      sentences.push(
        'Matters reserved to the delegating organisations are listed in the register of delegations; if this is one of them, a member can challenge this routing.',
        `So it goes to: the ${listInWords(routing.bodies.map(names.body))}.`,
      );
      return sentences;
    }
    case 'partners-own-boards': {
      const sentences = [RULE_SENTENCES.partners, ...testsSentences(routing, names)];
      const reason = routing.partnersReason;
      if (reason !== undefined) {
        switch (reason.kind) {
          case 'reserved':
            sentences.push(
              `On challenge, the matter was found reserved to the partners: ${asSentence(reason.reason)}`,
            );
            break;
          case 'places-without-body':
            sentences.push(
              `No decision-making body is recorded for ${listInWords(reason.places.map(names.place))} on ${on}, so the place cannot decide it as a body.`,
            );
            break;
          case 'no-programme':
            sentences.push(
              'It names no programme, so no delegation can be matched to it: delegations say which programmes they cover.',
            );
            break;
          case 'no-delegation-covers-programme':
            sentences.push(`No delegation to a system body covers ${programme ?? 'its programme'}.`);
            break;
          case 'no-delegation-fits':
            sentences.push(
              `No delegation to a system body fits it on ${on}:`,
              ...routing.findings.map((f) => findingSentence(f, names, programme ?? 'its programme')),
            );
            break;
        }
      }
      sentences.push(
        routing.organisations.length === 0
          ? `No council or NHS commissioner of ${placeNames} is recorded on ${on}: the partnership must say who decides.`
          : `So it goes to the boards of the partners that act for ${placeNames} on ${on} — their councils and NHS commissioners: ${listInWords(routing.organisations.map(names.organisation))}.`,
      );
      return sentences;
    }
  }
}
