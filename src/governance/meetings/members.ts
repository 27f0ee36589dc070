/**
 * @module governance/meetings/members
 * A body's register: the people who hold its seats, and each member's standing interests. The partnership files say
 * which seats a body has (an organisation's or a constituency's, in a role, voting or not, how many); this register
 * says who fills them, from when to when — operational records an officer keeps, not partnership data. It is the
 * fold of the body's register events, oldest first. Pure: the checks say why an appointment or an interest cannot
 * be recorded, and the fold never fails on events that passed them.
 */
import { z } from 'zod';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { Id, type Body, type Member, type Partnership } from '../../partnership/index.js';
import { inForceOn } from '../../partnership/views.js';
import { requiredText } from '../proposal.js';
import type { Day } from './clear-days.js';

const IsoDay = z
  .string({ error: 'Enter a date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine(
    (day) =>
      !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
      new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
    'must be a real date',
  );
export { IsoDay };

/** The categories of interest of NHS England's "Managing conflicts of interest in the NHS" (2017). */
export const INTEREST_CATEGORIES = {
  financial: 'Financial interest',
  'non-financial-professional': 'Non-financial professional interest',
  'non-financial-personal': 'Non-financial personal interest',
  indirect: 'Indirect interest (through a close family member or associate)',
} as const;
export type InterestCategory = keyof typeof INTEREST_CATEGORIES;

export const AppointmentInput = z
  .object({
    name: requiredText('Enter the member’s name', 200),
    /** The seat: an organisation's (id) or a constituency's (as the body's entry names it), in a role. */
    organisation: Id.optional(),
    constituency: z.string().trim().min(1).optional(),
    role: requiredText('Choose the seat’s role', 200),
    from: IsoDay,
  })
  .strict();
export type AppointmentInput = z.infer<typeof AppointmentInput>;

export const AppointmentEndInput = z
  .object({
    appointment: z.number({ error: 'Choose the member' }).int().positive(),
    to: IsoDay,
    reason: requiredText('Enter why the appointment ends', 2000),
  })
  .strict();

export const InterestInput = z
  .object({
    appointment: z.number({ error: 'Choose the member' }).int().positive(),
    category: z.enum(Object.keys(INTEREST_CATEGORIES) as [InterestCategory, ...InterestCategory[]], {
      error: 'Choose the kind of interest',
    }),
    description: requiredText('Describe the interest', 2000),
    from: IsoDay,
  })
  .strict();

export const InterestEndInput = z
  .object({
    interest: z.number({ error: 'Choose the interest' }).int().positive(),
    to: IsoDay,
    reason: requiredText('Enter why the interest ends', 2000),
  })
  .strict();

/** The events of a body's register, as stored (payloads of `body_register_event`). */
export type RegisterEvent =
  | { readonly kind: 'appointed'; readonly payload: AppointmentInput & { readonly voting: boolean } }
  | { readonly kind: 'appointment-ended'; readonly payload: z.infer<typeof AppointmentEndInput> }
  | { readonly kind: 'interest-registered'; readonly payload: z.infer<typeof InterestInput> }
  | { readonly kind: 'interest-ended'; readonly payload: z.infer<typeof InterestEndInput> };

export interface Interest {
  /** The register event that recorded it. */
  readonly id: number;
  readonly category: InterestCategory;
  readonly description: string;
  readonly from: Day;
  readonly to: Day | undefined;
  readonly endReason: string | undefined;
}

export interface Appointment {
  /** The register event that made it: the member's id in the body's records. */
  readonly id: number;
  readonly name: string;
  readonly organisation: string | undefined;
  readonly constituency: string | undefined;
  readonly role: string;
  readonly voting: boolean;
  readonly from: Day;
  readonly to: Day | undefined;
  readonly endReason: string | undefined;
  readonly interests: readonly Interest[];
}

export interface StoredRegisterEvent {
  readonly seq: number;
  readonly event: RegisterEvent;
}

/** The register after its events, oldest first. */
export function foldRegister(events: readonly StoredRegisterEvent[]): Appointment[] {
  const appointments = new Map<number, Appointment>();
  for (const { seq, event } of events) {
    switch (event.kind) {
      case 'appointed':
        appointments.set(seq, {
          id: seq,
          name: event.payload.name,
          organisation: event.payload.organisation,
          constituency: event.payload.constituency,
          role: event.payload.role,
          voting: event.payload.voting,
          from: event.payload.from,
          to: undefined,
          endReason: undefined,
          interests: [],
        });
        break;
      case 'appointment-ended': {
        const a = appointments.get(event.payload.appointment);
        if (a !== undefined)
          appointments.set(a.id, { ...a, to: event.payload.to, endReason: event.payload.reason });
        break;
      }
      case 'interest-registered': {
        const a = appointments.get(event.payload.appointment);
        if (a === undefined) break;
        const interest: Interest = {
          id: seq,
          category: event.payload.category,
          description: event.payload.description,
          from: event.payload.from,
          to: undefined,
          endReason: undefined,
        };
        appointments.set(a.id, { ...a, interests: [...a.interests, interest] });
        break;
      }
      case 'interest-ended':
        for (const a of appointments.values()) {
          if (!a.interests.some((i) => i.id === event.payload.interest)) continue;
          appointments.set(a.id, {
            ...a,
            interests: a.interests.map((i) =>
              i.id === event.payload.interest
                ? { ...i, to: event.payload.to, endReason: event.payload.reason }
                : i,
            ),
          });
        }
        break;
    }
  }
  return [...appointments.values()];
}

/** Members holding a seat on `day`. */
export const membersOn = (register: readonly Appointment[], day: Day): Appointment[] =>
  register.filter((a) => a.from <= day && (a.to === undefined || a.to >= day));

/** Interests in force on `day`. */
export const interestsOn = (appointment: Appointment, day: Day): Interest[] =>
  appointment.interests.filter((i) => i.from <= day && (i.to === undefined || i.to >= day));

const seatOf = (member: Member) => member.organisation ?? member.constituency ?? '';

/** The body's seat an appointment fills: same organisation (or constituency) and role, in force on the day. */
export function seatFor(body: Body, input: AppointmentInput): Member | undefined {
  return body.members.find(
    (m) =>
      m.role === input.role &&
      seatOf(m) === (input.organisation ?? input.constituency) &&
      inForceOn({ from: m.from ?? body.from, to: m.to ?? body.to }, input.from),
  );
}

/**
 * Why the appointment cannot be recorded, or the seat's voting right when it can: the body in force on its first
 * day, one of its seats, of an organisation that exists that day, with a place free on that day (a seat held
 * `seats` times at most at once).
 */
export function checkAppointment(
  partnership: Partnership,
  body: Body,
  register: readonly Appointment[],
  input: AppointmentInput,
): Result<{ voting: boolean }, Issue[]> {
  if ((input.organisation === undefined) === (input.constituency === undefined)) {
    return err([{ path: 'organisation', message: 'Choose the seat: an organisation’s or a constituency’s' }]);
  }
  if (!inForceOn(body, input.from)) {
    return err([{ path: 'from', message: `${body.name} is not in force on ${input.from}` }]);
  }
  const seat = seatFor(body, input);
  if (seat === undefined) {
    return err([
      {
        path: 'role',
        message: `${body.name} has no seat for ${input.organisation ?? input.constituency} as ${input.role} on ${input.from}`,
      },
    ]);
  }
  const organisation = partnership.organisations.find((o) => o.id === input.organisation);
  if (
    input.organisation !== undefined &&
    (organisation === undefined || !inForceOn(organisation, input.from))
  ) {
    return err([
      {
        path: 'role',
        message: `${organisation?.name ?? input.organisation} does not exist on ${input.from}, so its seat cannot be filled`,
      },
    ]);
  }
  const holders = membersOn(register, input.from).filter(
    (a) => a.role === seat.role && (a.organisation ?? a.constituency) === seatOf(seat),
  );
  if (holders.length >= seat.seats) {
    return err([
      {
        path: 'role',
        message: `the seat is full on ${input.from}: held by ${holders.map((h) => h.name).join(', ')} — end that appointment first`,
      },
    ]);
  }
  return ok({ voting: seat.voting });
}

export function checkAppointmentEnd(
  register: readonly Appointment[],
  input: z.infer<typeof AppointmentEndInput>,
): Issue[] {
  const a = register.find((r) => r.id === input.appointment);
  if (a === undefined) return [{ path: 'appointment', message: 'there is no such member of this body' }];
  if (a.to !== undefined)
    return [{ path: 'appointment', message: `${a.name}’s appointment has already ended` }];
  if (input.to < a.from)
    return [{ path: 'to', message: `must be on or after the appointment began (${a.from})` }];
  return [];
}

export function checkInterest(
  register: readonly Appointment[],
  input: z.infer<typeof InterestInput>,
): Issue[] {
  const a = register.find((r) => r.id === input.appointment);
  if (a === undefined) return [{ path: 'appointment', message: 'there is no such member of this body' }];
  if (a.to !== undefined && input.from > a.to) {
    return [{ path: 'from', message: `${a.name}’s appointment ended on ${a.to}` }];
  }
  return [];
}

export function checkInterestEnd(
  register: readonly Appointment[],
  input: z.infer<typeof InterestEndInput>,
): Issue[] {
  const interest = register.flatMap((a) => a.interests).find((i) => i.id === input.interest);
  if (interest === undefined)
    return [{ path: 'interest', message: 'there is no such interest in the register' }];
  if (interest.to !== undefined) return [{ path: 'interest', message: 'that interest has already ended' }];
  if (input.to < interest.from) return [{ path: 'to', message: `must be on or after ${interest.from}` }];
  return [];
}
