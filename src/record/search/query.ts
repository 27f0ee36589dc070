/**
 * @module record/search/query
 * A FHIR search's query string, checked and parsed into a plan (pure), and the plan as SQL over the search index
 * (migration 0007). Parameters of one name are ANDed, comma-separated values ORed, as FHIR says. A parameter the
 * record does not support is refused with its name rather than ignored: a clinician who searched for something
 * should never be shown everything instead.
 *
 * Supported: `_id`, `_lastUpdated`, and the parameters in `parameters.ts` by type — token (`system|code`, `|code`,
 * `system|`, `code`), string (starts with; `:exact`, `:contains`), date (prefixes eq ne lt gt le ge sa eb ap),
 * reference (`Type/id` or `id`); `_count` (≤ 1000), `_offset`, `_sort` (`_id`, `_lastUpdated` or a date
 * parameter, `-` for descending), `_total=accurate`, and `_include` of a reference parameter's targets.
 */
import { err, ok, type Result } from '../../core/result.js';
import { recordError, type RecordError } from '../errors.js';
import { dateRange } from './dates.js';
import { foldString } from './extract.js';
import type { ParameterTable, ParameterType } from './parameters.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1_000;

const DATE_PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap'] as const;
export type DatePrefix = (typeof DATE_PREFIXES)[number];

export type Condition =
  | { readonly type: 'id'; readonly values: readonly string[] }
  | { readonly type: 'lastUpdated'; readonly values: readonly DateValue[] }
  | { readonly type: 'token'; readonly code: string; readonly values: readonly TokenValue[] }
  | {
      readonly type: 'string';
      readonly code: string;
      readonly match: 'starts' | 'exact' | 'contains';
      readonly values: readonly string[];
    }
  | { readonly type: 'date'; readonly code: string; readonly values: readonly DateValue[] }
  | { readonly type: 'reference'; readonly code: string; readonly values: readonly ReferenceValue[] };

export interface TokenValue {
  /** undefined: any system; null: no system (`|code`). */
  readonly system: string | null | undefined;
  /** undefined: any code of the system (`system|`). */
  readonly code: string | undefined;
}
export interface DateValue {
  readonly prefix: DatePrefix;
  readonly low: string;
  readonly high: string;
}
export interface ReferenceValue {
  readonly type: string | undefined;
  readonly id: string;
}

export interface SearchPlan {
  readonly resourceType: string;
  readonly conditions: readonly Condition[];
  readonly count: number;
  readonly offset: number;
  /** `_id`, `_lastUpdated` or a date parameter's code. */
  readonly sort: readonly { readonly key: string; readonly descending: boolean }[];
  readonly total: boolean;
  /** Reference parameters whose targets are included (`_include=Observation:patient`). */
  readonly include: readonly string[];
}

const bad = (message: string, parameter: string) => err(recordError('invalid', message, parameter));

function parseDateValue(text: string, parameter: string): Result<DateValue, RecordError> {
  const prefix = DATE_PREFIXES.find((candidate) => text.startsWith(candidate) && /^\d/.test(text.slice(2)));
  const value = prefix === undefined ? text : text.slice(2);
  const range = dateRange(value);
  if (range === undefined) {
    return bad(
      `${parameter}: "${value}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with its time zone), optionally after a prefix (${DATE_PREFIXES.join(', ')}).`,
      parameter,
    );
  }
  return ok({ prefix: prefix ?? 'eq', ...range });
}

function parseToken(text: string): TokenValue {
  const bar = text.indexOf('|');
  if (bar < 0) return { system: undefined, code: text };
  const system = text.slice(0, bar);
  const code = text.slice(bar + 1);
  return { system: system === '' ? null : system, code: code === '' ? undefined : code };
}

function parseReferenceValue(text: string, parameter: string): Result<ReferenceValue, RecordError> {
  const match = /^(?:([A-Z][A-Za-z]+)\/)?([A-Za-z0-9.-]{1,64})$/.exec(text);
  if (match?.[2] === undefined) {
    return bad(
      `${parameter}: "${text}" is not a reference; write Type/id (Patient/123) or the id alone.`,
      parameter,
    );
  }
  return ok({ type: match[1], id: match[2] });
}

/** Splits on commas not escaped with a backslash (FHIR's escaping), unescaping `\,` `\|` `\$` `\\`. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) {
      current += text.charAt(++i);
    } else if (c === ',') {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values;
}

function collect<T>(results: Result<T, RecordError>[]): Result<T[], RecordError> {
  const values: T[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
}

const RESULT_PARAMETERS = new Set(['_count', '_offset', '_sort', '_total', '_include', '_format']);

/** Checks and parses a search's parameters (name → every value given for it) for one resource type. */
export function planSearch(
  table: ParameterTable,
  resourceType: string,
  entries: readonly (readonly [string, string])[],
): Result<SearchPlan, RecordError> {
  const parameters = table.get(resourceType);
  const conditions: Condition[] = [];
  let count = DEFAULT_COUNT;
  let offset = 0;
  let total = false;
  const sort: { key: string; descending: boolean }[] = [];
  const include: string[] = [];
  for (const [name, raw] of entries) {
    if (RESULT_PARAMETERS.has(name)) {
      if (name === '_count' || name === '_offset') {
        if (!/^\d{1,7}$/.test(raw)) return bad(`${name} must be a whole number.`, name);
        const n = Number(raw);
        if (name === '_count') {
          if (n > MAX_COUNT)
            return bad(`_count may be at most ${MAX_COUNT}; page through larger results.`, name);
          count = n;
        } else offset = n;
      } else if (name === '_total') {
        if (!['none', 'estimate', 'accurate'].includes(raw))
          return bad('_total is none, estimate or accurate.', name);
        total = raw === 'accurate';
      } else if (name === '_sort') {
        for (const key of raw.split(',')) {
          const descending = key.startsWith('-');
          const code = descending ? key.slice(1) : key;
          if (code !== '_id' && code !== '_lastUpdated' && parameters?.get(code)?.type !== 'date') {
            return bad(
              `_sort: ${resourceType} can be sorted by _id, _lastUpdated or a date parameter, not "${code}".`,
              name,
            );
          }
          sort.push({ key: code, descending });
        }
      } else if (name === '_include') {
        const [source, code] = raw.split(':');
        if (source !== resourceType || code === undefined || parameters?.get(code)?.type !== 'reference') {
          return bad(`_include must be ${resourceType}:<a reference parameter of ${resourceType}>.`, name);
        }
        include.push(code);
      }
      continue;
    }
    const [code = '', modifier] = name.split(':');
    const values = splitValues(raw);
    if (values.some((value) => value === '')) return bad(`${name} has an empty value.`, name);
    if (code === '_id') {
      if (modifier !== undefined) return bad(`_id takes no modifier.`, name);
      conditions.push({ type: 'id', values });
      continue;
    }
    if (code === '_lastUpdated') {
      const parsed = collect(values.map((value) => parseDateValue(value, name)));
      if (!parsed.ok) return parsed;
      conditions.push({ type: 'lastUpdated', values: parsed.value });
      continue;
    }
    const parameter = parameters?.get(code);
    if (parameter === undefined) {
      const known = ['_id', '_lastUpdated', ...(parameters?.keys() ?? [])].join(', ');
      return bad(`${resourceType} cannot be searched by "${code}". It can be searched by: ${known}.`, name);
    }
    const refuseModifier = (type: ParameterType) =>
      bad(`The modifier :${modifier ?? ''} is not supported on ${type} parameters such as ${code}.`, name);
    switch (parameter.type) {
      case 'token':
        if (modifier !== undefined) return refuseModifier('token');
        conditions.push({ type: 'token', code, values: values.map(parseToken) });
        break;
      case 'string': {
        if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains')
          return refuseModifier('string');
        const folded = values.map(foldString);
        conditions.push({
          type: 'string',
          code,
          match: modifier === undefined ? 'starts' : modifier,
          values: folded,
        });
        break;
      }
      case 'date': {
        if (modifier !== undefined) return refuseModifier('date');
        const parsed = collect(values.map((value) => parseDateValue(value, name)));
        if (!parsed.ok) return parsed;
        conditions.push({ type: 'date', code, values: parsed.value });
        break;
      }
      case 'reference': {
        if (modifier !== undefined && !/^[A-Z][A-Za-z]+$/.test(modifier)) return refuseModifier('reference');
        const parsed = collect(values.map((value) => parseReferenceValue(value, name)));
        if (!parsed.ok) return parsed;
        const typed = parsed.value.map((value) =>
          modifier === undefined ? value : { type: modifier, id: value.id },
        );
        conditions.push({ type: 'reference', code, values: typed });
        break;
      }
    }
  }
  return ok({ resourceType, conditions, count, offset, sort, total, include });
}

/** SQL text and its parameters, built up together so the placeholders always line up. */
export class SqlBuilder {
  readonly params: unknown[] = [];
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** Escapes LIKE's wildcards in a value. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The date comparison for one prefix, between an indexed range (low, high) and the searched range. */
function dateClause(sql: SqlBuilder, value: DateValue, low: string, high: string): string {
  // Bound only when used: PostgreSQL refuses a parameter no clause mentions (it cannot infer its type).
  const sl = () => sql.bind(value.low);
  const sh = () => sql.bind(value.high);
  switch (value.prefix) {
    case 'eq':
      return `(${low} >= ${sl()} AND ${high} <= ${sh()})`;
    case 'ne':
      return `NOT (${low} >= ${sl()} AND ${high} <= ${sh()})`;
    case 'gt':
      return `${high} > ${sh()}`;
    case 'lt':
      return `${low} < ${sl()}`;
    case 'ge':
      return `${high} >= ${sl()}`;
    case 'le':
      return `${low} <= ${sh()}`;
    case 'sa':
      return `${low} > ${sh()}`;
    case 'eb':
      return `${high} < ${sl()}`;
    case 'ap':
      return `(${low} <= ${sh()} AND ${high} >= ${sl()})`;
  }
}

/** One condition as a WHERE clause over `record_resource r`. */
export function conditionSql(sql: SqlBuilder, condition: Condition): string {
  const indexed = (kind: string, code: string, inner: string) =>
    `EXISTS (SELECT 1 FROM record_search_${kind} s WHERE s.resource_type = r.resource_type AND s.id = r.id AND s.param = ${sql.bind(code)} AND (${inner}))`;
  switch (condition.type) {
    case 'id':
      return `r.id = ANY(${sql.bind(condition.values)}::text[])`;
    case 'lastUpdated':
      return `(${condition.values.map((value) => dateClause(sql, value, 'r.last_updated', 'r.last_updated')).join(' OR ')})`;
    case 'token':
      return indexed(
        'token',
        condition.code,
        condition.values
          .map((value) => {
            const parts: string[] = [];
            if (value.code !== undefined) parts.push(`s.code = ${sql.bind(value.code)}`);
            if (value.system === null) parts.push('s.system IS NULL');
            else if (value.system !== undefined) parts.push(`s.system = ${sql.bind(value.system)}`);
            return `(${parts.join(' AND ')})`;
          })
          .join(' OR '),
      );
    case 'string':
      return indexed(
        'string',
        condition.code,
        condition.values
          .map((value) =>
            condition.match === 'exact'
              ? `s.value = ${sql.bind(value)}`
              : condition.match === 'contains'
                ? `s.value LIKE ${sql.bind(`%${likeEscape(value)}%`)}`
                : `s.value LIKE ${sql.bind(`${likeEscape(value)}%`)}`,
          )
          .join(' OR '),
      );
    case 'date':
      return indexed(
        'date',
        condition.code,
        condition.values.map((value) => dateClause(sql, value, 's.low', 's.high')).join(' OR '),
      );
    case 'reference':
      return indexed(
        'reference',
        condition.code,
        condition.values
          .map((value) =>
            value.type === undefined
              ? `s.target_id = ${sql.bind(value.id)}`
              : `(s.target_id = ${sql.bind(value.id)} AND s.target_type = ${sql.bind(value.type)})`,
          )
          .join(' OR '),
      );
  }
}

/** The ORDER BY of a plan: its sort keys, then the id so that pages never overlap. */
export function orderSql(sql: SqlBuilder, plan: SearchPlan): string {
  const keys = plan.sort.map(({ key, descending }) => {
    const direction = descending ? 'DESC' : 'ASC';
    if (key === '_id') return `r.id ${direction}`;
    if (key === '_lastUpdated') return `r.last_updated ${direction}`;
    // A resource's earliest (ascending) or latest (descending) value of the date parameter.
    const pick = descending ? 'max(s.high)' : 'min(s.low)';
    return `(SELECT ${pick} FROM record_search_date s WHERE s.resource_type = r.resource_type AND s.id = r.id AND s.param = ${sql.bind(key)}) ${direction} NULLS LAST`;
  });
  return [...keys, 'r.id ASC'].join(', ');
}
