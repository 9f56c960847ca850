/**
 * Whether a person is employed at T, and since when a leaver's accounts are stale.
 *
 * A person may have several HR records (re-hired under a new employee id, or listed in two
 * rosters). Decision: the person is **active** if any record covers T; the covering record with
 * the latest hire date supplies department and hire date. Otherwise, if some record has ended by
 * T, the person is a **leaver**, stale since the latest such end (their last departure); else
 * (every record starts after T) they are a **future** joiner. So a re-hired person is a leaver
 * only between a departure and the next hire.
 *
 * Rows sharing an identity key are one person with several employments, and they may overlap
 * (two rows of one employment written differently, or a re-hire entered before the old row was
 * closed): the person is employed wherever any of them covers. {@link notEmployedAt} gives the
 * intervals between a departure and the next hire, for activity that must not happen there.
 *
 * A record ends, in order of precedence: at the start of the day after its leave date (the last
 * working day, a whole day in the organisation's zone); else, when its HR status is a "left"
 * status, at the first observation that saw that status; else, when the record is absent from
 * the newest roster at T, at the first observation that lacked it.
 */
import type { PersonRecord, Versioned } from '../evidence/records.ts';
import type { Person } from './identity.ts';
import { latestData } from './identity.ts';
import { normText } from './params.ts';
import { dayAfterStart, dayStart } from './time.ts';

/** The schema's default `leftStatuses` of an HR source. */
export const DEFAULT_LEFT_STATUSES: readonly string[] = ['left', 'terminated', 'inactive', '退職'];

export interface Employment {
  state: 'active' | 'left' | 'future';
  /** For leavers: when their accounts became stale (ms). */
  staleSinceMs?: number;
  /** Hire day start of the covering record (active) — undefined when HR gives none. */
  hireMs?: number;
  department?: string;
  /** The record that decided (covering record, or the one with the latest departure). */
  record?: PersonRecord;
}

export interface EmploymentRules {
  zone: string;
  /** Left statuses by HR source id. */
  leftStatuses?: Readonly<Record<string, readonly string[]>>;
}

interface RecordSpan {
  data: PersonRecord;
  hireMs: number | undefined;
  endMs: number | undefined;
}

const leftSetCache = new Map<readonly string[], Set<string>>();
function leftSet(list: readonly string[]): Set<string> {
  let s = leftSetCache.get(list);
  if (!s) {
    s = new Set(list.map(normText));
    leftSetCache.set(list, s);
  }
  return s;
}

function spanOf(v: Versioned<PersonRecord>, rules: EmploymentRules): RecordSpan | undefined {
  const data = latestData(v);
  if (!data) return undefined;
  const hireMs = data.hireDate ? dayStart(data.hireDate, rules.zone) : undefined;
  let endMs: number | undefined;
  if (data.leaveDate) {
    const ms = dayAfterStart(data.leaveDate, rules.zone);
    if (!Number.isNaN(ms)) endMs = ms;
  }
  if (endMs === undefined) {
    const left = leftSet(rules.leftStatuses?.[v.source] ?? DEFAULT_LEFT_STATUSES);
    const isLeft = (d: PersonRecord | null): boolean => d !== null && d.status !== undefined && left.has(normText(d.status));
    if (isLeft(v.current) || (v.current === null && isLeft(data))) {
      // The first observation of the trailing run of "left" states.
      let first: string | undefined;
      for (let i = v.versions.length - 1; i >= 0; i--) {
        const ver = v.versions[i]!;
        if (ver.data === null || isLeft(ver.data)) {
          if (ver.data !== null) first = ver.at;
        } else break;
      }
      if (first !== undefined) endMs = Date.parse(first);
    }
  }
  if (endMs === undefined && v.current === null) {
    const last = v.versions[v.versions.length - 1];
    if (last && last.data === null) endMs = Date.parse(last.at);
  }
  return { data, hireMs: hireMs !== undefined && Number.isNaN(hireMs) ? undefined : hireMs, endMs };
}

// Several KPIs of one evaluation ask the same question about the same person at the same T.
const memo = new WeakMap<Person, { atMs: number; zone: string; left: unknown; e: Readonly<Employment> }>();

/** The person's employment at `atMs` (memoised per person, instant and rules; do not mutate). */
export function employmentAt(person: Person, atMs: number, rules: EmploymentRules): Readonly<Employment> {
  const m = memo.get(person);
  if (m && m.atMs === atMs && m.zone === rules.zone && m.left === rules.leftStatuses) return m.e;
  const e = computeEmployment(person, atMs, rules);
  memo.set(person, { atMs, zone: rules.zone, left: rules.leftStatuses, e });
  return e;
}

function computeEmployment(person: Person, atMs: number, rules: EmploymentRules): Employment {
  let covering: RecordSpan | undefined;
  let ended: RecordSpan | undefined;
  for (const v of person.records) {
    const s = spanOf(v, rules);
    if (!s) continue;
    const started = s.hireMs === undefined || s.hireMs <= atMs;
    const over = s.endMs !== undefined && s.endMs <= atMs;
    if (started && !over) {
      if (!covering || (s.hireMs ?? -Infinity) > (covering.hireMs ?? -Infinity)) covering = s;
    } else if (over) {
      if (!ended || s.endMs! > ended.endMs!) ended = s;
    }
  }
  if (covering) {
    const e: Employment = { state: 'active', record: covering.data };
    if (covering.hireMs !== undefined) e.hireMs = covering.hireMs;
    if (covering.data.department !== undefined) e.department = covering.data.department;
    return e;
  }
  if (ended) {
    const e: Employment = { state: 'left', staleSinceMs: ended.endMs!, record: ended.data };
    if (ended.data.department !== undefined) e.department = ended.data.department;
    return e;
  }
  return { state: 'future' };
}

/** An interval [fromMs, toMs) in which a person who had been employed was not: a departure to the next hire. */
export interface NotEmployed {
  /** The departure: when the person's accounts became stale. */
  fromMs: number;
  /** The next hire's start, or Infinity when none is known. */
  toMs: number;
}

const gapMemo = new WeakMap<Person, { atMs: number; zone: string; left: unknown; gaps: readonly NotEmployed[] }>();

/**
 * The intervals, as known at `atMs`, in which the person was not employed after having been:
 * from each departure (an employment's end ≤ atMs not covered by another employment) to the
 * next employment's start. Empty for someone employed throughout (memoised like employmentAt).
 */
export function notEmployedAt(person: Person, atMs: number, rules: EmploymentRules): readonly NotEmployed[] {
  const m = gapMemo.get(person);
  if (m && m.atMs === atMs && m.zone === rules.zone && m.left === rules.leftStatuses) return m.gaps;
  const spans: { start: number; end: number }[] = [];
  for (const v of person.records) {
    const s = spanOf(v, rules);
    if (!s) continue;
    // An end after atMs is not known to have happened yet.
    const end = s.endMs !== undefined && s.endMs <= atMs ? s.endMs : Infinity;
    spans.push({ start: s.hireMs ?? -Infinity, end });
  }
  spans.sort((a, b) => a.start - b.start);
  const gaps: NotEmployed[] = [];
  let cur: { start: number; end: number } | undefined;
  for (const sp of spans) {
    if (cur && sp.start <= cur.end) {
      cur.end = Math.max(cur.end, sp.end);
      continue;
    }
    if (cur) gaps.push({ fromMs: cur.end, toMs: sp.start });
    cur = { ...sp };
  }
  if (cur && cur.end !== Infinity) gaps.push({ fromMs: cur.end, toMs: Infinity });
  gapMemo.set(person, { atMs, zone: rules.zone, left: rules.leftStatuses, gaps });
  return gaps;
}
