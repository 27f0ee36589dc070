/**
 * @module partnership/views
 * The partnership arranged for reading: partners grouped by sector, a place with its neighbourhoods, a body with
 * its members and the delegations it holds, what was in force on a date. Pure functions of a `Partnership` and a
 * date, so the web pages and the API share one answer and the rules are unit-tested without a server.
 *
 * "Today" is always passed in, never read from the clock here: the same data and date give the same view.
 */
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import {
  Sector as SectorSchema,
  type Body,
  type CollectiveActionTest,
  type Commitment,
  type Delegation,
  type Member,
  type Neighbourhood,
  type Organisation,
  type OrganisationType,
  type Partnership,
  type Place,
  type Programme,
  type Sector,
} from './schema.js';

/** Anything effective-dated: in force from `from` to `to` inclusive (`to` absent while it still is). */
export interface Dated {
  readonly from?: string;
  readonly to?: string;
}

export const SECTOR_LABELS: Record<Sector, string> = {
  nhs: 'NHS',
  'local-government': 'Local government',
  healthwatch: 'Healthwatch',
  'voluntary-community': 'Voluntary and community sector',
  'care-provider': 'Care providers',
  collaborative: 'Provider collaboratives',
  national: 'National bodies',
};

/** Sectors in the order the partnership presents them: the schema's order (NHS and councils first, as equals). */
export const SECTORS: readonly Sector[] = SectorSchema.options;

export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  'integrated-care-board': 'Integrated care board',
  'clinical-commissioning-group': 'Clinical commissioning group',
  'acute-trust': 'Acute hospital trust',
  'mental-health-trust': 'Mental health trust',
  'community-trust': 'Community health trust',
  'ambulance-trust': 'Ambulance trust',
  'community-interest-company': 'Community interest company',
  'gp-federation': 'GP federation',
  'metropolitan-district-council': 'Metropolitan district council',
  'county-council': 'County council',
  'district-council': 'District council',
  'unitary-council': 'Unitary council',
  'combined-authority': 'Combined authority',
  healthwatch: 'Healthwatch',
  'voluntary-organisation': 'Voluntary organisation',
  'care-provider': 'Care provider',
  'provider-collaborative': 'Provider collaborative',
  'national-body': 'National body',
};

export const BODY_KIND_LABELS: Record<Body['kind'], string> = {
  'partnership-board': 'Partnership board',
  'joint-committee': 'Joint committee',
  'health-and-wellbeing-board': 'Health and Wellbeing Board',
  'scrutiny-committee': 'Scrutiny committee',
  'leadership-group': 'Leadership group',
  committee: 'Committee',
};

/** The calendar date (UTC) of an instant, YYYY-MM-DD: how every effective date is written. */
export const isoDay = (instant: Date): string => instant.toISOString().slice(0, 10);

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date where the partnership is, for "what is in force today": at 00:30 BST it is already tomorrow's date. */
export const londonDay = (instant: Date): string => LONDON_DAY.format(instant);

/**
 * Reads an optional date from a query string. Absent or empty means "no date"; anything else must be a real
 * calendar date written YYYY-MM-DD (2023-02-30 is refused rather than rolled over to March).
 */
export function parseOptionalDate(text: unknown, name: string): Result<string | undefined, Problem> {
  if (text === undefined || text === '') return ok(undefined);
  const bad = (why: string) =>
    err(
      problem(
        'bad-input',
        `The ${name} date ${why}.`,
        `Write the date as YYYY-MM-DD, for example 2022-07-01.`,
        [{ path: name, message: why }],
      ),
    );
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return bad(`${JSON.stringify(text)} is not written YYYY-MM-DD`.replaceAll('"', "'"));
  }
  const parsed = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || isoDay(parsed) !== text) {
    return bad(`'${text}' is not a real calendar date`);
  }
  return ok(text);
}

/** Whether an entry was in force on `date`. ISO dates compare correctly as strings. */
export function inForceOn(entry: Dated, date: string): boolean {
  return (entry.from === undefined || entry.from <= date) && (entry.to === undefined || entry.to >= date);
}

/** Whether an entry had ended before `date`. */
export const endedBy = (entry: Dated, date: string): boolean => entry.to !== undefined && entry.to < date;

export interface Ref {
  readonly id: string;
  readonly name: string;
}

/** Finds entries by id; a reference that does not resolve falls back to its id (validation stops that happening). */
class Lookup {
  private readonly organisations: Map<string, Organisation>;
  private readonly places: Map<string, Place>;
  private readonly bodies: Map<string, Body>;
  private readonly tests: Map<string, CollectiveActionTest>;
  private readonly programmes: Map<string, Programme>;
  constructor(readonly p: Partnership) {
    this.organisations = new Map(p.organisations.map((o) => [o.id, o]));
    this.places = new Map(p.places.map((x) => [x.id, x]));
    this.bodies = new Map(p.bodies.map((x) => [x.id, x]));
    this.tests = new Map(p.tests.map((x) => [x.id, x]));
    this.programmes = new Map(p.programmes.map((x) => [x.id, x]));
  }
  organisation = (id: string): Organisation | undefined => this.organisations.get(id);
  place = (id: string): Place | undefined => this.places.get(id);
  body = (id: string): Body | undefined => this.bodies.get(id);
  test = (id: string): CollectiveActionTest | undefined => this.tests.get(id);
  organisationRef = (id: string): Ref => ({ id, name: this.organisations.get(id)?.name ?? id });
  placeRef = (id: string): Ref => ({ id, name: this.places.get(id)?.name ?? id });
  bodyRef = (id: string): Ref => ({ id, name: this.bodies.get(id)?.name ?? id });
  programmeRef = (id: string): Ref => ({ id, name: this.programmes.get(id)?.name ?? id });
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en-GB');

/** Source titles by id, so every figure on a page can name and link its source. */
export function sourceTitles(p: Partnership): Record<string, string> {
  return Object.fromEntries(p.sources.map((s) => [s.id, s.title]));
}

// ---------------------------------------------------------------------------------------------------------------
// Partners

export interface OrganisationSummary {
  readonly organisation: Organisation;
  readonly sectorLabel: string;
  readonly typeLabel: string;
  /** Ended before the date the view is for (today, or the as-of date). */
  readonly ended: boolean;
  readonly successor: Ref | undefined;
  readonly places: readonly Ref[];
}

function summariseOrganisation(look: Lookup, o: Organisation, date: string): OrganisationSummary {
  return {
    organisation: o,
    sectorLabel: SECTOR_LABELS[o.sector],
    typeLabel: ORGANISATION_TYPE_LABELS[o.type],
    ended: endedBy(o, date),
    successor: o.successor === undefined ? undefined : look.organisationRef(o.successor),
    places: (o.places ?? []).map(look.placeRef),
  };
}

export interface SectorGroup {
  readonly sector: Sector;
  readonly label: string;
  readonly current: readonly OrganisationSummary[];
  readonly ended: readonly OrganisationSummary[];
}

/**
 * The partners grouped by sector, current ones first then ended ones (most recently ended first), each by name.
 * With `asOf`, only the organisations in force on that date, and "ended" is judged on that date.
 */
export function partnersBySector(p: Partnership, options: { today: string; asOf?: string }): SectorGroup[] {
  const look = new Lookup(p);
  const date = options.asOf ?? options.today;
  const shown = p.organisations.filter((o) => options.asOf === undefined || inForceOn(o, options.asOf));
  return SECTORS.map((sector) => {
    const inSector = shown
      .filter((o) => o.sector === sector)
      .map((o) => summariseOrganisation(look, o, date));
    return {
      sector,
      label: SECTOR_LABELS[sector],
      current: inSector.filter((s) => !s.ended).sort((a, b) => byName(a.organisation, b.organisation)),
      ended: inSector
        .filter((s) => s.ended)
        .sort((a, b) => (b.organisation.to ?? '').localeCompare(a.organisation.to ?? '')),
    };
  }).filter((group) => group.current.length + group.ended.length > 0);
}

export interface MembershipView {
  readonly body: Ref;
  readonly seats: readonly Member[];
}

export interface OrganisationDetail {
  readonly summary: OrganisationSummary;
  /** Organisations whose functions passed to this one. */
  readonly predecessors: readonly Ref[];
  readonly memberships: readonly MembershipView[];
  readonly delegationsMade: readonly DelegationView[];
  readonly programmesLed: readonly Ref[];
  readonly placesCommissioned: readonly Ref[];
  readonly signedMou: boolean;
}

export function organisationDetail(
  p: Partnership,
  id: string,
  today: string,
): OrganisationDetail | undefined {
  const look = new Lookup(p);
  const o = look.organisation(id);
  if (o === undefined) return undefined;
  return {
    summary: summariseOrganisation(look, o, today),
    predecessors: p.organisations.filter((x) => x.successor === id).map((x) => ({ id: x.id, name: x.name })),
    memberships: p.bodies
      .map((b) => ({
        body: { id: b.id, name: b.name },
        seats: b.members.filter((m) => m.organisation === id),
      }))
      .filter((m) => m.seats.length > 0),
    delegationsMade: p.delegations
      .filter((d) => d.delegatedBy.includes(id))
      .map((d) => delegationView(look, d, today)),
    programmesLed: p.programmes
      .filter((x) => x.leadOrganisation === id)
      .map((x) => ({ id: x.id, name: x.name })),
    placesCommissioned: p.places
      .filter((x) => x.commissioners.includes(id))
      .map((x) => ({ id: x.id, name: x.name })),
    signedMou: p.mou.signatories.includes(id),
  };
}

/** Organisations for the API: optionally one sector, optionally only those in force on a date. */
export function filterOrganisations(
  p: Partnership,
  options: { sector?: Sector; activeOn?: string },
): Organisation[] {
  return p.organisations.filter(
    (o) =>
      (options.sector === undefined || o.sector === options.sector) &&
      (options.activeOn === undefined || inForceOn(o, options.activeOn)),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Places and neighbourhoods

export interface NeighbourhoodView {
  readonly neighbourhood: Neighbourhood;
  /** Sum of the practices' list sizes that are known. */
  readonly listSizeTotal: number;
  /** How many practices have no list size in the data, so the total is a floor, not the whole. */
  readonly practicesWithoutListSize: number;
}

function neighbourhoodView(n: Neighbourhood): NeighbourhoodView {
  return {
    neighbourhood: n,
    listSizeTotal: n.practices.reduce((sum, practice) => sum + (practice.listSize?.value ?? 0), 0),
    practicesWithoutListSize: n.practices.filter((practice) => practice.listSize === undefined).length,
  };
}

export interface PlaceSummary {
  readonly place: Place;
  readonly councils: readonly Ref[];
  readonly neighbourhoods: number;
  readonly practices: number;
}

export function placeSummaries(p: Partnership): PlaceSummary[] {
  const look = new Lookup(p);
  return p.places.map((place) => {
    const neighbourhoods = p.neighbourhoods.filter((n) => n.place === place.id);
    return {
      place,
      councils: place.councils.map(look.organisationRef),
      neighbourhoods: neighbourhoods.length,
      practices: neighbourhoods.reduce((sum, n) => sum + n.practices.length, 0),
    };
  });
}

/** A body that decides a place's proposals for a period (places.yaml `decisionBodies`). */
export interface PlaceDecisionBodyView {
  readonly body: Ref;
  readonly from: string;
  readonly to: string | undefined;
  readonly inForce: boolean;
  readonly source: string;
  readonly note: string | undefined;
}

export interface PlaceDetail {
  readonly place: Place;
  readonly councils: readonly OrganisationSummary[];
  readonly healthAndWellbeingBoards: readonly Ref[];
  /** Who decides the place's proposals that meet no test for collective action, over time. */
  readonly decisionBodies: readonly PlaceDecisionBodyView[];
  /** The place's NHS commissioners, earliest first: who commissioned for it over time. */
  readonly commissioners: readonly OrganisationSummary[];
  readonly neighbourhoods: readonly NeighbourhoodView[];
  readonly programmes: readonly Ref[];
  readonly organisations: readonly Ref[];
}

export function placeDetail(p: Partnership, id: string, today: string): PlaceDetail | undefined {
  const look = new Lookup(p);
  const place = look.place(id);
  if (place === undefined) return undefined;
  const summaries = (ids: readonly string[]) =>
    ids.flatMap((orgId) => {
      const o = look.organisation(orgId);
      return o === undefined ? [] : [summariseOrganisation(look, o, today)];
    });
  return {
    place,
    councils: summaries(place.councils),
    healthAndWellbeingBoards: place.healthAndWellbeingBoards.map(look.bodyRef),
    decisionBodies: (place.decisionBodies ?? []).map((d) => ({
      body: look.bodyRef(d.body),
      from: d.from,
      to: d.to,
      inForce: inForceOn(d, today),
      source: d.source,
      note: d.note,
    })),
    commissioners: summaries(place.commissioners).sort((a, b) =>
      a.organisation.from.localeCompare(b.organisation.from),
    ),
    neighbourhoods: p.neighbourhoods.filter((n) => n.place === id).map(neighbourhoodView),
    programmes: p.programmes.filter((x) => x.place === id).map((x) => ({ id: x.id, name: x.name })),
    organisations: p.organisations
      // Councils and commissioners have their own sections: this is everyone else serving the place.
      .filter(
        (o) =>
          o.places?.includes(id) === true &&
          !place.councils.includes(o.id) &&
          !place.commissioners.includes(o.id),
      )
      .sort(byName)
      .map((o) => ({ id: o.id, name: o.name })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Programmes

export interface ProgrammeView {
  readonly programme: Programme;
  readonly tests: readonly CollectiveActionTest[];
  readonly place: Ref | undefined;
  readonly lead: Ref | undefined;
  readonly ended: boolean;
}

/** Programmes by level: system-level ones (each with the tests for collective action that justify it) and place ones. */
export function programmesByLevel(
  p: Partnership,
  today: string,
): { system: ProgrammeView[]; place: ProgrammeView[] } {
  const look = new Lookup(p);
  const views = p.programmes.map((programme): ProgrammeView => ({
    programme,
    tests: programme.tests.flatMap((t) => look.test(t) ?? []),
    place: programme.place === undefined ? undefined : look.placeRef(programme.place),
    lead:
      programme.leadOrganisation === undefined ? undefined : look.organisationRef(programme.leadOrganisation),
    ended: endedBy(programme, today),
  }));
  // Current programmes first; the file's order within each (the partnership's own order of priorities).
  const order = (list: ProgrammeView[]) => [...list.filter((v) => !v.ended), ...list.filter((v) => v.ended)];
  return {
    system: order(views.filter((v) => v.programme.level === 'system')),
    place: order(views.filter((v) => v.programme.level === 'place')),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies and delegations

export interface DelegationView {
  readonly delegation: Delegation;
  readonly delegatedBy: readonly Ref[];
  readonly delegatedTo: Ref;
  /** The programmes whose matters it covers, by which proposals are routed to its body. */
  readonly programmes: readonly Ref[];
  readonly inForce: boolean;
}

function delegationView(look: Lookup, d: Delegation, date: string): DelegationView {
  return {
    delegation: d,
    delegatedBy: d.delegatedBy.map(look.organisationRef),
    delegatedTo: look.bodyRef(d.delegatedTo),
    programmes: (d.programmes ?? []).map(look.programmeRef),
    inForce: inForceOn(d, date),
  };
}

/** The register of delegations: those in force first (by start date), then ended and future ones. */
export function delegationRegister(p: Partnership, today: string): DelegationView[] {
  const look = new Lookup(p);
  const all = p.delegations.map((d) => delegationView(look, d, today));
  const byFrom = (a: DelegationView, b: DelegationView) => a.delegation.from.localeCompare(b.delegation.from);
  return [...all.filter((v) => v.inForce).sort(byFrom), ...all.filter((v) => !v.inForce).sort(byFrom)];
}

export interface SeatGroup {
  /** The organisation the seats belong to, or undefined for seats representing a constituency. */
  readonly organisation: Ref | undefined;
  /** Who the seats represent: the organisation's name or the constituency. */
  readonly label: string;
  readonly sectorLabel: string | undefined;
  readonly seats: readonly Member[];
}

export interface BodySummary {
  readonly body: Body;
  readonly kindLabel: string;
  readonly places: readonly Ref[];
  readonly votingSeats: number;
  readonly seats: number;
  readonly delegationsHeld: number;
  readonly ended: boolean;
}

const seatsIn = (members: readonly Member[], voting?: boolean) =>
  members.filter((m) => voting === undefined || m.voting === voting).reduce((sum, m) => sum + m.seats, 0);

function membersOn(body: Body, date: string): Member[] {
  return body.members.filter((m) => inForceOn(m, date));
}

/** The bodies (all, or those in force on `asOf`), system-level first, each with its seats on the date. */
export function bodySummaries(p: Partnership, options: { today: string; asOf?: string }): BodySummary[] {
  const look = new Lookup(p);
  const date = options.asOf ?? options.today;
  const shown = p.bodies.filter((b) => options.asOf === undefined || inForceOn(b, options.asOf));
  const summaries = shown.map((body): BodySummary => {
    const members = membersOn(body, date);
    return {
      body,
      kindLabel: BODY_KIND_LABELS[body.kind],
      places: body.places.map(look.placeRef),
      votingSeats: seatsIn(members, true),
      seats: seatsIn(members),
      delegationsHeld: p.delegations.filter((d) => d.delegatedTo === body.id && inForceOn(d, date)).length,
      ended: endedBy(body, date),
    };
  });
  return [
    ...summaries.filter((s) => s.body.level === 'system'),
    ...summaries.filter((s) => s.body.level === 'place'),
  ];
}

export interface BodyDetail {
  readonly summary: BodySummary;
  readonly host: Ref | undefined;
  /** Seats on the date, grouped by the organisation (or constituency) they belong to, in the order first listed. */
  readonly seatGroups: readonly SeatGroup[];
  readonly quorumSectors: readonly { label: string; atLeast: number }[];
  /** Delegations the body holds: in force on the date, and (separately) the others, for the record. */
  readonly delegations: readonly DelegationView[];
  readonly otherDelegations: readonly DelegationView[];
  /** Whether the body itself was in force on the date. */
  readonly inForce: boolean;
}

export function bodyDetail(
  p: Partnership,
  id: string,
  options: { today: string; asOf?: string },
): BodyDetail | undefined {
  const look = new Lookup(p);
  const body = look.body(id);
  if (body === undefined) return undefined;
  const date = options.asOf ?? options.today;
  const members = membersOn(body, date);
  const groups = new Map<string, SeatGroup & { seats: Member[] }>();
  for (const m of members) {
    const key =
      m.organisation === undefined ? `constituency:${m.constituency ?? m.role}` : `org:${m.organisation}`;
    let group = groups.get(key);
    if (group === undefined) {
      const o = m.organisation === undefined ? undefined : look.organisation(m.organisation);
      group = {
        organisation: m.organisation === undefined ? undefined : look.organisationRef(m.organisation),
        label: o?.name ?? m.organisation ?? m.constituency ?? m.role,
        sectorLabel: o === undefined ? undefined : SECTOR_LABELS[o.sector],
        seats: [],
      };
      groups.set(key, group);
    }
    group.seats.push(m);
  }
  const held = p.delegations.filter((d) => d.delegatedTo === id).map((d) => delegationView(look, d, date));
  return {
    summary: {
      body,
      kindLabel: BODY_KIND_LABELS[body.kind],
      places: body.places.map(look.placeRef),
      votingSeats: seatsIn(members, true),
      seats: seatsIn(members),
      delegationsHeld: held.filter((d) => d.inForce).length,
      ended: endedBy(body, date),
    },
    host: body.host === undefined ? undefined : look.organisationRef(body.host),
    seatGroups: [...groups.values()],
    quorumSectors: body.quorum.fromSectors.map((s) => ({
      label: SECTOR_LABELS[s.sector],
      atLeast: s.atLeast,
    })),
    delegations: held.filter((d) => d.inForce),
    otherDelegations: held.filter((d) => !d.inForce),
    inForce: inForceOn(body, date),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The memorandum of understanding

export interface CommitmentView {
  readonly commitment: Commitment;
  /** 'all' partners, or the named ones. */
  readonly parties: 'all' | readonly Ref[];
}

export interface MouView {
  readonly signatories: readonly (Ref & { sectorLabel: string | undefined })[];
  readonly themes: readonly { theme: string; commitments: readonly CommitmentView[] }[];
}

/** The MoU's signatories and its commitments grouped by theme (themes in the order they first appear). */
export function mouView(p: Partnership): MouView {
  const look = new Lookup(p);
  const themes = new Map<string, CommitmentView[]>();
  for (const c of p.mou.commitments) {
    const list = themes.get(c.theme) ?? [];
    list.push({ commitment: c, parties: c.parties === 'all' ? 'all' : c.parties.map(look.organisationRef) });
    themes.set(c.theme, list);
  }
  return {
    signatories: p.mou.signatories.map((id) => {
      const o = look.organisation(id);
      return {
        ...look.organisationRef(id),
        sectorLabel: o === undefined ? undefined : SECTOR_LABELS[o.sector],
      };
    }),
    themes: [...themes.entries()].map(([theme, commitments]) => ({ theme, commitments })),
  };
}

/** The partnership's whole population across its places, for the home page's places summary. */
export function placesPopulation(p: Partnership): number {
  return p.places.reduce((sum, place) => sum + place.population.value, 0);
}
