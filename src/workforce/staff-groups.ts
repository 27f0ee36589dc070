/**
 * @module workforce/staff-groups
 * The staff groups a workforce return is broken down by, as data: one list for the NHS and one for adult social
 * care, each group saying its sector. The ids are what the return's `staff_group` column holds.
 *
 * Sources:
 * - NHS: NHS Digital (now NHS England), "NHS Workforce Statistics", the main staff groups of the Healthcare
 *   Professionals and Support to Clinical Staff breakdown ("Staff Group" in the monthly publication's data files):
 *   HCHS doctors (medical and dental); nurses and health visitors; midwives; ambulance staff; scientific,
 *   therapeutic and technical staff (which holds the allied health professionals); support to clinical staff;
 *   NHS infrastructure support. https://digital.nhs.uk/data-and-information/publications/statistical/nhs-workforce-statistics
 * - Adult social care: Skills for Care, "The state of the adult social care sector and workforce in England" and the
 *   Adult Social Care Workforce Data Set (ASC-WDS) job role groups: direct care; managerial; regulated professions
 *   (registered nurses, social workers, occupational therapists and other regulated roles); other (ancillary,
 *   administrative and non-care-providing roles). https://www.skillsforcare.org.uk/Adult-Social-Care-Workforce-Data/
 */

export type Sector = 'nhs' | 'social-care';

export interface StaffGroup {
  readonly id: string;
  readonly name: string;
  readonly sector: Sector;
  /** What the group holds, for the return's documentation and the form's hints. */
  readonly description: string;
}

export const STAFF_GROUPS: readonly StaffGroup[] = [
  // NHS Digital, NHS Workforce Statistics: main staff groups.
  {
    id: 'medical-and-dental',
    name: 'Medical and dental',
    sector: 'nhs',
    description: 'Consultants, specialty doctors, doctors in training and other HCHS doctors and dentists.',
  },
  {
    id: 'nurses-and-health-visitors',
    name: 'Nurses and health visitors',
    sector: 'nhs',
    description: 'Registered nurses in every setting, and health visitors.',
  },
  {
    id: 'midwives',
    name: 'Midwives',
    sector: 'nhs',
    description: 'Registered midwives.',
  },
  {
    id: 'ambulance-staff',
    name: 'Ambulance staff',
    sector: 'nhs',
    description: 'Paramedics, emergency care assistants and ambulance technicians.',
  },
  {
    id: 'scientific-therapeutic-technical',
    name: 'Scientific, therapeutic and technical',
    sector: 'nhs',
    description:
      'Allied health professionals (physiotherapists, occupational therapists, radiographers…), healthcare scientists, pharmacists and psychologists.',
  },
  {
    id: 'support-to-clinical-staff',
    name: 'Support to clinical staff',
    sector: 'nhs',
    description:
      'Healthcare assistants, nursing associates in training, support workers and clinical support.',
  },
  {
    id: 'nhs-infrastructure-support',
    name: 'NHS infrastructure support',
    sector: 'nhs',
    description: 'Central functions, hotel, property and estates, senior managers and managers.',
  },
  // Skills for Care, ASC-WDS job role groups.
  {
    id: 'direct-care',
    name: 'Direct care',
    sector: 'social-care',
    description: 'Care workers, senior care workers, support and outreach workers.',
  },
  {
    id: 'managerial',
    name: 'Managerial',
    sector: 'social-care',
    description: 'Registered managers, team leaders and supervisors.',
  },
  {
    id: 'regulated-professions',
    name: 'Regulated professions',
    sector: 'social-care',
    description: 'Registered nurses, social workers, occupational therapists and other regulated roles.',
  },
  {
    id: 'social-care-other',
    name: 'Other social care roles',
    sector: 'social-care',
    description: 'Ancillary, administrative and other roles not providing care.',
  },
];

export const SECTOR_NAMES: Readonly<Record<Sector, string>> = {
  nhs: 'NHS',
  'social-care': 'Adult social care',
};

const BY_ID = new Map(STAFF_GROUPS.map((group) => [group.id, group]));

export const staffGroup = (id: string): StaffGroup | undefined => BY_ID.get(id);

export const STAFF_GROUP_IDS: readonly string[] = STAFF_GROUPS.map((group) => group.id);
