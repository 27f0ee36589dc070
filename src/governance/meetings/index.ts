/**
 * @module governance/meetings
 * Bodies' members and their interests, meetings in public and the decisions they record: the agenda and papers
 * (five clear days, or flagged late with the reason), exempt items under Schedule 12A, attendance and quorum,
 * declarations of interest that exclude a member from the vote, decisions only within the body's delegation, actions,
 * questions from the public, and minutes drafted then approved at the next meeting. Every record an event; nothing
 * changed or deleted.
 */
export {
  CLEAR_DAYS,
  clearDaysBetween,
  latestPublicationDay,
  bankHolidays,
  isWorkingDay,
  type Day,
} from './clear-days.js';
export { COMMANDS, ScheduleInput, type Command, type CommandName } from './commands.js';
export {
  DECISION_METHODS,
  ITEM_PURPOSES,
  SCHEDULE_12A,
  approvedMinutes,
  foldMeeting,
  held,
  withdrawnFrom,
  type Item,
  type Meeting,
  type MeetingEvent,
  type StoredMeetingEvent,
} from './meeting.js';
export {
  INTEREST_CATEGORIES,
  interestsOn,
  membersOn,
  type Appointment,
  type Interest,
  type InterestCategory,
} from './members.js';
export { quorum, sectorOf, type QuorumFinding } from './quorum.js';
export { QUESTION_CLEAR_DAYS, delegationRefusal, itemQuorum, presentAt, questionsOpen } from './rules.js';
export {
  decisionOnProposal,
  searchDecisions,
  type DecisionEntry,
  type DecisionSearch,
} from './repository.js';
export {
  CLERK_ROLES,
  allRegisters,
  bodyRegister,
  changeRegister,
  decisionReference,
  getMeeting,
  listMeetings,
  recordAtMeeting,
  scheduleMeeting,
} from './workflow.js';
