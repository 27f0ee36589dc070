/**
 * @module governance/meetings/quorum
 * Whether the members present can decide: the body's quorum rule from the partnership files (at least so many voting
 * members, and so many from each named sector, e.g. both NHS and local government), applied to the voting members
 * present — less those who withdrew from an item because of an interest, which is how a body loses its quorum for
 * one item and not the rest. Pure, with the reason in words either way.
 */
import type { Body, Partnership, Sector } from '../../partnership/index.js';
import { SECTOR_LABELS } from '../../partnership/views.js';
import type { Appointment } from './members.js';

/** Sectors whose names keep their capitals mid-sentence. */
const SECTOR_IN_SENTENCE: Partial<Record<Sector, string>> = { nhs: 'the NHS', healthwatch: 'Healthwatch' };

export interface QuorumFinding {
  readonly quorate: boolean;
  /** Sentences: what the rule asks and what was there. */
  readonly reasons: readonly string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The sector of a member's seat: their organisation's; a constituency seat belongs to none. */
export function sectorOf(partnership: Partnership, member: Appointment): Sector | undefined {
  if (member.organisation === undefined) return undefined;
  return partnership.organisations.find((o) => o.id === member.organisation)?.sector;
}

export function quorum(partnership: Partnership, body: Body, present: readonly Appointment[]): QuorumFinding {
  const voting = present.filter((m) => m.voting);
  const rule = body.quorum;
  const reasons: string[] = [];
  let quorate = true;
  if (voting.length < rule.minimumVoting) {
    quorate = false;
    reasons.push(
      `${plural(voting.length, 'voting member is', 'voting members are')} present; the quorum is ${rule.minimumVoting}.`,
    );
  } else {
    reasons.push(
      `${plural(voting.length, 'voting member is', 'voting members are')} present (quorum ${rule.minimumVoting}).`,
    );
  }
  for (const { sector, atLeast } of rule.fromSectors) {
    const count = voting.filter((m) => sectorOf(partnership, m) === sector).length;
    const label = SECTOR_IN_SENTENCE[sector] ?? SECTOR_LABELS[sector].toLowerCase();
    if (count < atLeast) {
      quorate = false;
      reasons.push(
        `${plural(count, 'voting member is', 'voting members are')} from ${label}; the rule asks for at least ${atLeast}.`,
      );
    } else {
      reasons.push(`${count} from ${label} (at least ${atLeast} needed).`);
    }
  }
  return { quorate, reasons };
}
