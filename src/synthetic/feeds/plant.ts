/**
 * @module synthetic/feeds/plant
 * Plants faults in one record's copy of a person's details: the NHS number left out or mistyped, the given name
 * replaced by a nickname, a name transliterated or hyphenated differently or mistyped, the date of birth with day and
 * month swapped, an address the person has since left. Pure: the same details, rates and random stream give the same
 * record on every run.
 *
 * Every record has its own random stream, and every fault draws its chance in a fixed order whether or not the record
 * is open to it, so changing one rate or one name never shifts the faults of any other record. A mistyped NHS number has one digit replaced or two
 * adjacent digits swapped: the modulus 11 check catches every such slip, so a mistyped number never passes as valid
 * (and the ground truth marks it).
 */
import {
  hyphenationVariant,
  nicknameOf,
  swapDayMonth,
  transliterationOf,
  typo,
  type NameVariantIndex,
} from '../name-variants.js';
import type { Random } from '../random.js';
import { FAULTS, type Fault, type FaultRates } from './faults.js';

export interface Details {
  readonly nhsNumber: string | undefined;
  readonly given: string;
  readonly middle: string | undefined;
  readonly family: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** Index into the person's addresses of the one the record should hold, or -1 when there is none. */
  readonly address: number;
}

export interface Planted {
  readonly details: Details;
  /** The faults the record carries, in FAULTS order. */
  readonly faults: readonly Fault[];
  /** The faults the record was open to (whether or not it carries them). */
  readonly eligible: readonly Fault[];
}

/** One digit replaced by another, or two adjacent different digits swapped. */
export function mistypeNhsNumber(nhsNumber: string, random: Random): string {
  const digits = Array.from(nhsNumber);
  const swappable = digits.flatMap((digit, i) =>
    i + 1 < digits.length && digit !== digits[i + 1] ? [i] : [],
  );
  if (swappable.length > 0 && random.next() < 0.5) {
    const i = swappable[random.int(swappable.length)] as number;
    [digits[i], digits[i + 1]] = [digits[i + 1] as string, digits[i] as string];
  } else {
    const i = random.int(digits.length);
    const old = Number(digits[i]);
    digits[i] = String((old + 1 + random.int(9)) % 10);
  }
  return digits.join('');
}

/** A stream for asking whether a variant exists at all: always picks the first. */
const firstChoice: Random = { next: () => 0, int: () => 0 };

/**
 * Whether a name or date is open to a fault depends on the text alone, and the same names and birth dates recur in
 * millions of records (each person has a record at several organisations): the answers are kept, per name index.
 */
interface OpenTo {
  readonly nickname: Map<string, boolean>;
  readonly transliteration: Map<string, boolean>;
  readonly hyphenation: Map<string, boolean>;
  readonly swappedDayMonth: Map<string, boolean>;
}
const openTo = new WeakMap<NameVariantIndex, OpenTo>();
/** Kept answers of one kind: past this many, a map is emptied rather than grown (each typo makes a new name). */
const KEPT = 1 << 18;
function answer(kept: Map<string, boolean>, text: string, ask: (text: string) => boolean): boolean {
  let known = kept.get(text);
  if (known === undefined) {
    known = ask(text);
    if (kept.size >= KEPT) kept.clear();
    kept.set(text, known);
  }
  return known;
}

/**
 * Plants faults in `details` at the record kind's `rates`. `duplicateRecord` is only drawn (its chance is taken at its
 * place in the order); the caller makes the second record.
 */
export function plantFaults(
  details: Details,
  rates: FaultRates,
  random: Random,
  names: NameVariantIndex,
): Planted {
  const faults: Fault[] = [];
  const eligible: Fault[] = [];
  let { nhsNumber, given, family, birthDate, address } = details;
  let kept = openTo.get(names);
  if (kept === undefined) {
    kept = {
      nickname: new Map(),
      transliteration: new Map(),
      hyphenation: new Map(),
      swappedDayMonth: new Map(),
    };
    openTo.set(names, kept);
  }
  const { nickname, transliteration, hyphenation, swappedDayMonth } = kept;
  const transliterable = (name: string) => transliterationOf(name, firstChoice, names) !== undefined;
  // Whether the record, as planted so far, is open to the fault.
  const open = (fault: Fault): boolean => {
    switch (fault) {
      case 'missingNhsNumber':
      case 'mistypedNhsNumber': // a number left out cannot also be mistyped
        return nhsNumber !== undefined && nhsNumber !== '';
      case 'nickname':
        return answer(nickname, given, (name) => names.variantsOf(name, ['nickname']).length > 0);
      case 'transliteration':
        return (
          answer(transliteration, given, transliterable) || answer(transliteration, family, transliterable)
        );
      case 'hyphenation':
        return answer(hyphenation, family, (name) => hyphenationVariant(name, firstChoice) !== undefined);
      case 'nameTypo':
        return given !== '' || family !== '';
      case 'swappedDayMonth':
        return answer(swappedDayMonth, birthDate, (date) => swapDayMonth(date) !== undefined);
      case 'oldAddress':
        return address > 0;
      case 'duplicateRecord': // decided by the caller, counted here like every other fault
        return true;
    }
  };
  for (const fault of FAULTS) {
    const draw = random.next();
    if (!open(fault)) continue;
    eligible.push(fault);
    if (draw >= rates[fault]) continue;
    switch (fault) {
      case 'missingNhsNumber':
        nhsNumber = undefined;
        break;
      case 'mistypedNhsNumber':
        nhsNumber = mistypeNhsNumber(nhsNumber ?? '', random);
        break;
      case 'nickname':
        given = nicknameOf(given, random, names) ?? given;
        break;
      case 'transliteration': {
        const ofGiven = transliterationOf(given, random, names);
        const ofFamily = transliterationOf(family, random, names);
        if (ofGiven !== undefined && (ofFamily === undefined || random.next() < 0.5)) given = ofGiven;
        else family = ofFamily ?? family;
        break;
      }
      case 'hyphenation':
        family = hyphenationVariant(family, random) ?? family;
        break;
      case 'nameTypo':
        if (family !== '' && (given === '' || random.next() < 0.5)) family = typo(family, random);
        else given = typo(given, random);
        break;
      case 'swappedDayMonth':
        birthDate = swapDayMonth(birthDate) ?? birthDate;
        break;
      case 'oldAddress':
        address -= 1;
        break;
      case 'duplicateRecord':
        break;
    }
    faults.push(fault);
  }
  return {
    details: { nhsNumber, given, middle: details.middle, family, birthDate, address },
    faults,
    eligible,
  };
}
