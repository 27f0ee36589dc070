/**
 * @module core/months
 * The months' names in English, January first: for labels of accounting periods and of quarters.
 */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
