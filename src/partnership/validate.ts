/**
 * @module partnership/validate
 * The checks that span files: ids unique, every reference resolves to an entry of the right kind, every figure's
 * source is listed, every period ends after it starts. Pure: takes a schema-checked partnership, returns issues.
 */
import type { PartnershipFileName, Partnership } from './schema.js';

export interface CrossIssue {
  readonly file: PartnershipFileName;
  readonly pathParts: readonly (string | number)[];
  readonly message: string;
}

/**
 * `unavailable` names files that failed their own schema: their entries are absent from `p`, so references into
 * them are not reported as unknown (that would blame the wrong file), while every other reference still is.
 */
export function crossCheck(
  p: Partnership,
  unavailable: ReadonlySet<PartnershipFileName> = new Set(),
): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const known = (file: PartnershipFileName) => !unavailable.has(file);
  const add = (file: PartnershipFileName, pathParts: (string | number)[], message: string) =>
    issues.push({ file, pathParts, message });

  const ids = <T extends { id: string }>(
    file: PartnershipFileName,
    key: string | string[],
    items: readonly T[],
  ) => {
    const seen = new Map<string, T>();
    const at = typeof key === 'string' ? [key] : key;
    items.forEach((item, index) => {
      if (seen.has(item.id)) add(file, [...at, index, 'id'], `duplicate id '${item.id}'`);
      seen.set(item.id, item);
    });
    return seen;
  };
  const sources = ids('sources.yaml', 'sources', p.sources);
  const organisations = ids('organisations.yaml', 'organisations', p.organisations);
  const places = ids('places.yaml', 'places', p.places);
  ids('neighbourhoods.yaml', 'neighbourhoods', p.neighbourhoods);
  const tests = ids('collective-action-tests.yaml', 'tests', p.tests);
  const programmes = ids('programmes.yaml', 'programmes', p.programmes);
  const bodies = ids('bodies.yaml', 'bodies', p.bodies);
  ids('delegations.yaml', 'delegations', p.delegations);
  if (known('mou.yaml')) ids('mou.yaml', ['mou', 'commitments'], p.mou.commitments);

  const org = (file: PartnershipFileName, path: (string | number)[], id: string | undefined) => {
    if (id !== undefined && known('organisations.yaml') && !organisations.has(id)) {
      add(file, path, `unknown organisation '${id}': add it to organisations.yaml or correct the id`);
    }
  };
  const place = (file: PartnershipFileName, path: (string | number)[], id: string | undefined) => {
    if (id !== undefined && known('places.yaml') && !places.has(id)) {
      add(file, path, `unknown place '${id}': add it to places.yaml or correct the id`);
    }
  };
  const body = (file: PartnershipFileName, path: (string | number)[], id: string) => {
    if (known('bodies.yaml') && !bodies.has(id))
      add(file, path, `unknown body '${id}': add it to bodies.yaml or correct the id`);
  };
  const period = (
    file: PartnershipFileName,
    path: (string | number)[],
    item: { from: string; to?: string },
  ) => {
    if (item.to !== undefined && item.to < item.from) {
      add(file, [...path, 'to'], `ends (${item.to}) before it starts (${item.from})`);
    }
  };

  // Every `source` anywhere must name an entry of sources.yaml.
  const walkSources = (file: PartnershipFileName, value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walkSources(file, item, [...path, index]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'source' && typeof child === 'string' && known('sources.yaml') && !sources.has(child)) {
          add(file, [...path, key], `unknown source '${child}': add it to sources.yaml or correct the id`);
        } else {
          walkSources(file, child, [...path, key]);
        }
      }
    }
  };
  if (known('partnership.yaml')) walkSources('partnership.yaml', p.info, ['partnership']);
  walkSources('organisations.yaml', p.organisations, ['organisations']);
  walkSources('places.yaml', p.places, ['places']);
  walkSources('neighbourhoods.yaml', p.neighbourhoods, ['neighbourhoods']);
  walkSources('collective-action-tests.yaml', p.tests, ['tests']);
  walkSources('programmes.yaml', p.programmes, ['programmes']);
  walkSources('bodies.yaml', p.bodies, ['bodies']);
  walkSources('delegations.yaml', p.delegations, ['delegations']);
  if (known('mou.yaml')) walkSources('mou.yaml', p.mou, ['mou']);

  p.organisations.forEach((o, i) => {
    const at = ['organisations', i];
    period('organisations.yaml', at, o);
    org('organisations.yaml', [...at, 'successor'], o.successor);
    if (o.successor === o.id)
      add('organisations.yaml', [...at, 'successor'], 'an organisation cannot succeed itself');
    if (o.successor !== undefined && o.to === undefined) {
      add('organisations.yaml', [...at, 'to'], 'has a successor, so it must have an end date (`to`)');
    }
    o.places?.forEach((id, j) => place('organisations.yaml', [...at, 'places', j], id));
  });

  p.places.forEach((pl, i) => {
    const at = ['places', i];
    period('places.yaml', at, pl);
    pl.councils.forEach((id, j) => {
      org('places.yaml', [...at, 'councils', j], id);
      const council = organisations.get(id);
      if (council !== undefined && council.sector !== 'local-government') {
        add('places.yaml', [...at, 'councils', j], `'${id}' is not a local-government organisation`);
      }
    });
    pl.commissioners.forEach((id, j) => org('places.yaml', [...at, 'commissioners', j], id));
    pl.healthAndWellbeingBoards.forEach((id, j) => {
      body('places.yaml', [...at, 'healthAndWellbeingBoards', j], id);
      const board = bodies.get(id);
      if (board !== undefined && board.kind !== 'health-and-wellbeing-board') {
        add(
          'places.yaml',
          [...at, 'healthAndWellbeingBoards', j],
          `'${id}' is not a Health and Wellbeing Board`,
        );
      }
    });
    // The routing rule sends a place's proposals to the body in force on the proposal's date, so that body must be
    // one of the place's own, and there must never be two at once.
    const deciders = pl.decisionBodies ?? [];
    deciders.forEach((decider, j) => {
      const path = [...at, 'decisionBodies', j];
      period('places.yaml', path, decider);
      body('places.yaml', [...path, 'body'], decider.body);
      const b = bodies.get(decider.body);
      if (b !== undefined && (b.level !== 'place' || !b.places.includes(pl.id))) {
        add(
          'places.yaml',
          [...path, 'body'],
          `'${decider.body}' is not a place-level body serving '${pl.id}': name one whose places include it`,
        );
      }
      deciders.slice(0, j).forEach((earlier, k) => {
        if (periodsOverlap(earlier, decider)) {
          add(
            'places.yaml',
            [...path, 'from'],
            `overlaps decisionBodies[${k}]: a place has one decision-making body at a time; end the earlier one (\`to\`) first`,
          );
        }
      });
    });
  });

  const practices = new Map<string, string>();
  p.neighbourhoods.forEach((n, i) => {
    const at = ['neighbourhoods', i];
    period('neighbourhoods.yaml', at, n);
    place('neighbourhoods.yaml', [...at, 'place'], n.place);
    n.practices.forEach((practice, j) => {
      const other = practices.get(practice.ods);
      if (other !== undefined) {
        add(
          'neighbourhoods.yaml',
          [...at, 'practices', j, 'ods'],
          `practice ${practice.ods} is also in '${other}'`,
        );
      }
      practices.set(practice.ods, n.id);
    });
  });

  p.programmes.forEach((prog, i) => {
    const at = ['programmes', i];
    period('programmes.yaml', at, prog);
    place('programmes.yaml', [...at, 'place'], prog.place);
    org('programmes.yaml', [...at, 'leadOrganisation'], prog.leadOrganisation);
    prog.tests.forEach((id, j) => {
      if (known('collective-action-tests.yaml') && !tests.has(id)) {
        add(
          'programmes.yaml',
          [...at, 'tests', j],
          `unknown test '${id}': use an id from collective-action-tests.yaml`,
        );
      }
    });
  });

  p.bodies.forEach((b, i) => {
    const at = ['bodies', i];
    period('bodies.yaml', at, b);
    b.places.forEach((id, j) => place('bodies.yaml', [...at, 'places', j], id));
    org('bodies.yaml', [...at, 'host'], b.host);
    b.members.forEach((m, j) => {
      org('bodies.yaml', [...at, 'members', j, 'organisation'], m.organisation);
      if (m.from !== undefined)
        period('bodies.yaml', [...at, 'members', j], {
          from: m.from,
          ...(m.to === undefined ? {} : { to: m.to }),
        });
    });
  });

  p.delegations.forEach((d, i) => {
    const at = ['delegations', i];
    period('delegations.yaml', at, d);
    d.delegatedBy.forEach((id, j) => org('delegations.yaml', [...at, 'delegatedBy', j], id));
    body('delegations.yaml', [...at, 'delegatedTo'], d.delegatedTo);
    d.programmes?.forEach((id, j) => {
      if (known('programmes.yaml') && !programmes.has(id)) {
        add(
          'delegations.yaml',
          [...at, 'programmes', j],
          `unknown programme '${id}': use an id from programmes.yaml`,
        );
      }
    });
  });

  // Shared outcomes and milestones (optional files): every partner, programme and milestone they name must exist.
  // Whether an outcome's indicator is in the catalogue is checked where outcomes are computed (src/outcomes), since
  // the catalogue lives beside the partnerships, not in them.
  const outcomes = p.outcomes ?? [];
  const milestoneList = p.milestones ?? [];
  ids('outcomes.yaml', 'outcomes', outcomes);
  const milestones = ids('milestones.yaml', 'milestones', milestoneList);
  walkSources('outcomes.yaml', outcomes, ['outcomes']);
  walkSources('milestones.yaml', milestoneList, ['milestones']);
  const programme = (file: PartnershipFileName, path: (string | number)[], id: string) => {
    if (known('programmes.yaml') && !programmes.has(id)) {
      add(file, path, `unknown programme '${id}': use an id from programmes.yaml`);
    }
  };
  outcomes.forEach((o, i) => {
    const at = ['outcomes', i];
    o.accountable.forEach((id, j) => org('outcomes.yaml', [...at, 'accountable', j], id));
    o.programmes.forEach((id, j) => programme('outcomes.yaml', [...at, 'programmes', j], id));
    o.milestones.forEach((id, j) => {
      if (known('milestones.yaml') && !milestones.has(id)) {
        add(
          'outcomes.yaml',
          [...at, 'milestones', j],
          `unknown milestone '${id}': add it to milestones.yaml or correct the id`,
        );
      }
    });
  });
  milestoneList.forEach((m, i) => {
    const at = ['milestones', i];
    programme('milestones.yaml', [...at, 'programme'], m.programme);
    org('milestones.yaml', [...at, 'owner'], m.owner);
  });

  if (!known('mou.yaml')) return issues;
  period('mou.yaml', ['mou'], p.mou);
  p.mou.signatories.forEach((id, j) => org('mou.yaml', ['mou', 'signatories', j], id));
  p.mou.commitments.forEach((c, i) => {
    if (c.parties !== 'all')
      c.parties.forEach((id, j) => org('mou.yaml', ['mou', 'commitments', i, 'parties', j], id));
  });

  return issues;
}

/** Whether two effective-dated periods share a day (`to` absent: still in force). ISO dates compare as strings. */
function periodsOverlap(a: { from: string; to?: string }, b: { from: string; to?: string }): boolean {
  return (a.to === undefined || b.from <= a.to) && (b.to === undefined || a.from <= b.to);
}
