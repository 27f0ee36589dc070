/**
 * @module synthetic/feeds/causes-of-death
 * The underlying cause of a death as the register codes it: a three-character ICD-10 code, drawn within the cause
 * group the ground truth certified (reference/life-course/mortality.yaml, `causeCodes`). The truth knows only the
 * group (`circulatory`, `suicide`, …); a register gives a code, and indicators are defined on codes (ONS's suicide
 * definition, the NHS Outcomes Framework's under-75 mortality groups), so each group is given its commonest codes,
 * each with a weight: roughly its deaths in England and Wales in a year, in hundreds.
 *
 * Sources (the weights are APPROXIMATE: rounded from knowledge of the published tables, not computed from counts):
 * - ONS, Deaths registered in England and Wales: 2019 (reference/sources.yaml `ons-deaths-2019`), the 21st century
 *   mortality files' deaths by underlying cause at ICD-10 three-character level, and the leading causes of death
 *   (ischaemic heart disease I20–I25, dementia F01 F03 G30, cerebrovascular disease I60–I69, COPD J40–J44, lung cancer
 *   C33–C34, influenza and pneumonia J09–J18);
 * - ONS, Suicides in England and Wales: 2019 registrations (`ons-suicides-2019`): by method, hanging, strangulation
 *   and suffocation (X70, Y20) about six in ten, poisoning (X60–X69, Y10–Y19) about two in ten, then falls and
 *   jumps (X80, Y30), drowning (X71, Y21), trains (X81, Y31) and sharp objects (X78); events of undetermined intent
 *   counted only from age 15;
 * - ONS, Deaths related to drug poisoning in England and Wales: 2019 registrations (X40–X44, X60–X64, Y10–Y14), and
 *   Alcohol-specific deaths in the UK: 2019 registrations (K70, F10, X45);
 * - ONS, Child and infant mortality in England and Wales: 2019 (deaths under one year: immaturity P07, congenital
 *   anomalies Q00–Q99, sudden infant death R95).
 * - Code titles: WHO, ICD-10 Version 2019 (the display of each code, shortened where WHO's is a sentence).
 *
 * Codes whose deaths are all at some ages (perinatal conditions, old age, adult cancers) carry the ages they may be
 * drawn at (`from`, `to`, in whole years at death); sex-specific cancers carry their sex. Every group keeps codes open
 * to every age and sex, so a draw always finds one; a death the truth gives no cause is coded R99 (ill-defined and
 * unknown cause of mortality), as a registration without a certified cause would be.
 */
import type { CauseOfDeath } from '../life-course/model.js';
import type { Random } from '../random.js';

export interface CauseCode {
  /** ICD-10, three characters. */
  readonly code: string;
  readonly display: string;
  /** Relative frequency within the group (roughly deaths a year in England and Wales, in hundreds). */
  readonly weight: number;
  /** Only for deaths at this age or over, or at most this age (whole years). */
  readonly from?: number;
  readonly to?: number;
  readonly sex?: 'female' | 'male';
}

const c = (
  code: string,
  display: string,
  weight: number,
  only: Pick<CauseCode, 'from' | 'to' | 'sex'> = {},
): CauseCode => ({ code, display, weight, ...only });
const ADULT = { from: 18 };
const OLDER = { from: 40 };

export const CAUSE_CODES: Readonly<Record<CauseOfDeath, readonly CauseCode[]>> = {
  // I00–I99. Ischaemic heart disease about 640 (hundreds), cerebrovascular disease about 300.
  circulatory: [
    c('I25', 'Chronic ischaemic heart disease', 400, OLDER),
    c('I21', 'Acute myocardial infarction', 210, { from: 30 }),
    c('I64', 'Stroke, not specified as haemorrhage or infarction', 90, OLDER),
    c('I63', 'Cerebral infarction', 80, OLDER),
    c('I50', 'Heart failure', 80, OLDER),
    c('I48', 'Atrial fibrillation and flutter', 50, OLDER),
    c('I69', 'Sequelae of cerebrovascular disease', 50, OLDER),
    c('I61', 'Intracerebral haemorrhage', 40),
    c('I71', 'Aortic aneurysm and dissection', 35, OLDER),
    c('I35', 'Nonrheumatic aortic valve disorders', 30, OLDER),
    c('I11', 'Hypertensive heart disease', 30, OLDER),
    c('I26', 'Pulmonary embolism', 25),
    c('I42', 'Cardiomyopathy', 20),
    c('I10', 'Essential (primary) hypertension', 15, OLDER),
    c('I70', 'Atherosclerosis', 10, OLDER),
  ],
  // C00–C97: about 1,450 (hundreds) a year.
  cancer: [
    c('C34', 'Malignant neoplasm of bronchus and lung', 290, { from: 30 }),
    c('C61', 'Malignant neoplasm of prostate', 115, { from: 40, sex: 'male' }),
    c('C18', 'Malignant neoplasm of colon', 105, ADULT),
    c('C50', 'Malignant neoplasm of breast', 105, { from: 20, sex: 'female' }),
    c('C25', 'Malignant neoplasm of pancreas', 90, ADULT),
    c('C15', 'Malignant neoplasm of oesophagus', 75, ADULT),
    c('C80', 'Malignant neoplasm, without specification of site', 60, ADULT),
    c('C22', 'Malignant neoplasm of liver and intrahepatic bile ducts', 55, ADULT),
    c('C67', 'Malignant neoplasm of bladder', 50, ADULT),
    c('C71', 'Malignant neoplasm of brain', 45),
    c('C85', 'Other and unspecified types of non-Hodgkin lymphoma', 45),
    c('C16', 'Malignant neoplasm of stomach', 40, ADULT),
    c('C20', 'Malignant neoplasm of rectum', 40, ADULT),
    c('C64', 'Malignant neoplasm of kidney, except renal pelvis', 40, ADULT),
    c('C56', 'Malignant neoplasm of ovary', 38, { from: 18, sex: 'female' }),
    c('C92', 'Myeloid leukaemia', 30),
    c('C90', 'Multiple myeloma and malignant plasma cell neoplasms', 30, OLDER),
    c('C45', 'Mesothelioma', 23, OLDER),
    c('C54', 'Malignant neoplasm of corpus uteri', 22, { from: 30, sex: 'female' }),
    c('C43', 'Malignant melanoma of skin', 21, ADULT),
    c('C91', 'Lymphoid leukaemia', 15),
  ],
  // J00–J99: about 700 (hundreds).
  respiratory: [
    c('J44', 'Other chronic obstructive pulmonary disease', 270, OLDER),
    c('J18', 'Pneumonia, organism unspecified', 220),
    c('J84', 'Other interstitial pulmonary diseases', 60, OLDER),
    c('J69', 'Pneumonitis due to solids and liquids', 40),
    c('J22', 'Unspecified acute lower respiratory infection', 15),
    c('J45', 'Asthma', 12),
    c('J47', 'Bronchiectasis', 12, ADULT),
    c('J43', 'Emphysema', 10, OLDER),
    c('J15', 'Bacterial pneumonia, not elsewhere classified', 5),
  ],
  // F01, F03, G30: about 660 (hundreds); most certificates say only "dementia".
  dementia: [
    c('F03', 'Unspecified dementia', 390),
    c('G30', 'Alzheimer disease', 180),
    c('F01', 'Vascular dementia', 90),
  ],
  // ONS's definition: X60–X84 and Y87.0 from age 10, Y10–Y34 and Y87.2 from 15. About 57 (hundreds).
  suicide: [
    c('X70', 'Intentional self-harm by hanging, strangulation and suffocation', 30),
    c('X80', 'Intentional self-harm by jumping from a high place', 2),
    c('X78', 'Intentional self-harm by sharp object', 1.2),
    c('X81', 'Intentional self-harm by jumping or lying before moving object', 1.5),
    c('X71', 'Intentional self-harm by drowning and submersion', 1.2),
    c('X61', 'Intentional self-poisoning by psychotropic and sedative drugs, not elsewhere classified', 2.5),
    c('X62', 'Intentional self-poisoning by narcotics and psychodysleptics, not elsewhere classified', 1.5),
    c('X64', 'Intentional self-poisoning by other and unspecified drugs and medicaments', 2),
    c('X67', 'Intentional self-poisoning by and exposure to other gases and vapours', 0.7),
    c('X74', 'Intentional self-harm by other and unspecified firearm discharge', 0.5),
    c('X84', 'Intentional self-harm by unspecified means', 0.5),
    c('Y20', 'Hanging, strangulation and suffocation, undetermined intent', 3, { from: 15 }),
    c('Y12', 'Poisoning by narcotics and psychodysleptics, undetermined intent', 2, { from: 15 }),
    c('Y11', 'Poisoning by psychotropic and sedative drugs, undetermined intent', 1.5, { from: 15 }),
    c('Y14', 'Poisoning by other and unspecified drugs and medicaments, undetermined intent', 1, {
      from: 15,
    }),
    c('Y21', 'Drowning and submersion, undetermined intent', 1, { from: 15 }),
    c('Y30', 'Falling, jumping or pushed from a high place, undetermined intent', 0.7, { from: 15 }),
    c('Y31', 'Falling, lying or running before or into moving object, undetermined intent', 0.5, {
      from: 15,
    }),
  ],
  // V01–X59, X85–Y09, Y35–Y89 but Y87.0 and Y87.2: accidents (falls the most), assault, complications of care.
  'other-external': [
    c('W19', 'Unspecified fall', 35),
    c('X59', 'Exposure to unspecified factor', 20),
    c('X42', 'Accidental poisoning by narcotics and psychodysleptics, not elsewhere classified', 12, {
      from: 15,
    }),
    c('Y83', 'Surgical operation as the cause of abnormal reaction or later complication', 10),
    c('W10', 'Fall on and from stairs and steps', 8),
    c('X44', 'Accidental poisoning by other and unspecified drugs and medicaments', 8, { from: 15 }),
    c('V89', 'Motor- or nonmotor-vehicle accident, type of vehicle unspecified', 8),
    c('W18', 'Other fall on same level', 7),
    c('W01', 'Fall on same level from slipping, tripping and stumbling', 5),
    c('X41', 'Accidental poisoning by psychotropic and sedative drugs, not elsewhere classified', 5, {
      from: 15,
    }),
    c('Y84', 'Other medical procedures as the cause of abnormal reaction or later complication', 4),
    c('X45', 'Accidental poisoning by and exposure to alcohol', 3, ADULT),
    c('V43', 'Car occupant injured in collision with car, pick-up truck or van', 3),
    c('V03', 'Pedestrian injured in collision with car, pick-up truck or van', 3),
    c('W79', 'Inhalation and ingestion of food causing obstruction of respiratory tract', 3),
    c('X99', 'Assault by sharp object', 2.5),
    c('W80', 'Inhalation and ingestion of other objects causing obstruction of respiratory tract', 2),
    c('W74', 'Unspecified drowning and submersion', 2),
    c('X00', 'Exposure to uncontrolled fire in building or structure', 2),
    c('Y09', 'Assault by unspecified means', 1.5),
  ],
  // Everything else (A00–B99, D00–E90, F00–F99 and G00–H95 but F01 F03 G30, K00–R99): old age, Parkinson disease,
  // liver disease, sepsis, diabetes, kidney disease; for infants, immaturity, congenital anomalies and SIDS.
  other: [
    c('R54', 'Senility', 100, { from: 80 }),
    c('G20', 'Parkinson disease', 70, OLDER),
    c('K70', 'Alcoholic liver disease', 60, { from: 20 }),
    c('A41', 'Other sepsis', 55),
    c('E14', 'Unspecified diabetes mellitus', 35, ADULT),
    c('N18', 'Chronic kidney disease', 30, ADULT),
    c('K74', 'Fibrosis and cirrhosis of liver', 25, ADULT),
    c('K57', 'Diverticular disease of intestine', 25, OLDER),
    c('K55', 'Vascular disorders of intestine', 25, OLDER),
    c('G12', 'Spinal muscular atrophy and related syndromes', 22, { from: 30 }),
    c('E11', 'Type 2 diabetes mellitus', 20, ADULT),
    c('N39', 'Other disorders of urinary system', 16, ADULT),
    c('D46', 'Myelodysplastic syndromes', 15, OLDER),
    c('K92', 'Other diseases of digestive system', 10, ADULT),
    c('F10', 'Mental and behavioural disorders due to use of alcohol', 10, ADULT),
    c('G35', 'Multiple sclerosis', 10, ADULT),
    c('G40', 'Epilepsy', 10),
    c('P07', 'Disorders related to short gestation and low birth weight, not elsewhere classified', 6, {
      to: 0,
    }),
    c('Q24', 'Other congenital malformations of heart', 2),
    c('Q89', 'Other congenital malformations, not elsewhere classified', 2),
    c('P22', 'Respiratory distress of newborn', 1.5, { to: 0 }),
    c('P36', 'Bacterial sepsis of newborn', 1, { to: 0 }),
    c('R95', 'Sudden infant death syndrome', 1, { to: 0 }),
    c('G80', 'Cerebral palsy', 1),
  ],
};

/** The code of a death whose cause the truth does not give. */
export const UNKNOWN_CAUSE: CauseCode = c('R99', 'Other ill-defined and unspecified causes of mortality', 1);

const open = (entry: CauseCode, age: number, sex: 'female' | 'male'): boolean =>
  (entry.from === undefined || age >= entry.from) &&
  (entry.to === undefined || age <= entry.to) &&
  (entry.sex === undefined || entry.sex === sex);

/**
 * The ICD-10 code of a death from `cause` at `age` (whole years) of a person of `sex`: one of the group's codes open
 * to that age and sex, drawn by weight with one number of `random`.
 */
export function drawCauseCode(
  cause: CauseOfDeath | undefined,
  age: number,
  sex: 'female' | 'male',
  random: Random,
): CauseCode {
  if (cause === undefined) return UNKNOWN_CAUSE;
  const candidates = CAUSE_CODES[cause].filter((entry) => open(entry, age, sex));
  const total = candidates.reduce((sum, entry) => sum + entry.weight, 0);
  let u = random.next() * total;
  for (const entry of candidates) {
    u -= entry.weight;
    if (u < 0) return entry;
  }
  return candidates.at(-1) ?? UNKNOWN_CAUSE;
}
