/**
 * Per account and organisation-local day: authentication counts, successes per hour of the day
 * as well, and the first and last success / failure. Memory grows with accounts × days (at most
 * 25 hour counts each), never with lines. Merging is associative and commutative (counts add, first-*
 * take the min, last-* the max, `where` follows the record's decisive event), so shards merged
 * in any grouping give the unsharded answer.
 */
import { DateTime } from 'luxon';
import type { AccessDayRecord } from '../../evidence/records.ts';
import { DayBucketer } from './time.ts';

/** Hours a local day can have (25 on the day a DST change turns the clocks back). */
export const HOURS_PER_DAY = 25;
const HOUR_MS = 3_600_000;
/** Cells per block of hour counts (a block is 25 × 4 bytes × this: 200 KB). */
const BLOCK_CELLS = 2048;

/** Store key of an access-day fact: the day first (fixed width), so the key is unambiguous. */
export function accessDayKey(r: Pick<AccessDayRecord, 'account' | 'day'>): string {
  return `${r.day} ${r.account}`;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function addHours(a: readonly number[] | undefined, b: readonly number[] | undefined): number[] | undefined {
  if (a === undefined) return b === undefined ? undefined : [...b];
  if (b === undefined) return [...a];
  const out = new Array<number>(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}

/**
 * The event `where` belongs to: the last success when there is one (the evidence a leaver KPI
 * shows), else the last failure. Ties on time go to the smaller location so order never matters.
 */
function decisive(r: AccessDayRecord): [number, number, string] {
  if (r.successes > 0 && r.lastSuccessAt) return [1, Date.parse(r.lastSuccessAt), r.where ?? ''];
  if (r.lastFailureAt) return [0, Date.parse(r.lastFailureAt), r.where ?? ''];
  return [-1, 0, r.where ?? ''];
}

function wins(a: [number, number, string], b: [number, number, string]): boolean {
  if (a[0] !== b[0]) return a[0] > b[0];
  if (a[1] !== b[1]) return a[1] > b[1];
  return a[2] < b[2];
}

/** Merge two aggregates of the same account and day. */
export function mergeAccessDay(a: AccessDayRecord, b: AccessDayRecord): AccessDayRecord {
  const out: AccessDayRecord = {
    account: a.account,
    day: a.day,
    successes: a.successes + b.successes,
    failures: a.failures + b.failures,
  };
  // A side with events but no first time (stored before first times were kept) leaves the
  // merged first unknown: its events may be the earliest.
  const fs = firstKnown(a, 'successes') && firstKnown(b, 'successes') ? earlier(firstOf(a, 'successes'), firstOf(b, 'successes')) : undefined;
  const ls = later(a.lastSuccessAt, b.lastSuccessAt);
  const ff = firstKnown(a, 'failures') && firstKnown(b, 'failures') ? earlier(firstOf(a, 'failures'), firstOf(b, 'failures')) : undefined;
  const lf = later(a.lastFailureAt, b.lastFailureAt);
  if (fs !== undefined && out.successes > 1) out.firstSuccessAt = fs;
  if (ls !== undefined) out.lastSuccessAt = ls;
  if (ff !== undefined && out.failures > 1) out.firstFailureAt = ff;
  if (lf !== undefined) out.lastFailureAt = lf;
  // An aggregate from before hours were kept cannot place its events: the merge drops the hours
  // rather than claim the others' placement for them all.
  if (hoursComplete(a) && hoursComplete(b)) {
    const h = addHours(a.successesByHour, b.successesByHour);
    if (h !== undefined) out.successesByHour = h;
  }
  const where = (wins(decisive(a), decisive(b)) ? a : b).where;
  if (where !== undefined) out.where = where;
  return out;
}

/** Merge lists of aggregates (any order, any grouping) into one record per account and day. */
export function mergeAccessDays(lists: Iterable<Iterable<AccessDayRecord>>): AccessDayRecord[] {
  const byKey = new Map<string, AccessDayRecord>();
  for (const list of lists) {
    for (const r of list) {
      const k = accessDayKey(r);
      const old = byKey.get(k);
      byKey.set(k, old ? mergeAccessDay(old, r) : r);
    }
  }
  return [...byKey.values()].sort(byDayThenAccount);
}

/** Whether the record's first time of that outcome is known (none counts as known). */
function firstKnown(r: AccessDayRecord, what: 'successes' | 'failures'): boolean {
  return r[what] <= 1 || (what === 'successes' ? r.firstSuccessAt : r.firstFailureAt) !== undefined;
}

/** The first time of an outcome: written, or the last when there is a single event. */
export function firstOf(r: AccessDayRecord, what: 'successes' | 'failures'): string | undefined {
  if (what === 'successes') return r.firstSuccessAt ?? (r.successes === 1 ? r.lastSuccessAt : undefined);
  return r.firstFailureAt ?? (r.failures === 1 ? r.lastFailureAt : undefined);
}

/** Whether the record's hour counts place all its successes (none counts as placed). */
function hoursComplete(r: AccessDayRecord): boolean {
  return r.successes === 0 || r.successesByHour !== undefined;
}

function byDayThenAccount(x: AccessDayRecord, y: AccessDayRecord): number {
  return x.day < y.day ? -1 : x.day > y.day ? 1 : x.account < y.account ? -1 : x.account > y.account ? 1 : 0;
}

/** Mutable per-day cell of the hot loop: epoch ms instead of ISO strings until the end. */
interface Cell {
  successes: number;
  failures: number;
  firstSuccess: number;
  lastSuccess: number;
  firstFailure: number;
  lastFailure: number;
  successWhere: string;
  failureWhere: string;
  /** Start of the local day (ms), from which the hours count. */
  dayStart: number;
  /**
   * The cell's successes per hour, `hours[at + h]` for hour h, in a block shared by many cells
   * (one typed array per cell would cost more than its counts, and a small footprint per cell
   * keeps the hot loop in cache). Failures are not placed by hour: no KPI counts them.
   */
  hours: Int32Array;
  at: number;
}

/** One account's cells; obtained once per distinct account so the hot loop skips the name lookup. */
export interface AccountCells {
  lastDay: string;
  lastCell: Cell | undefined;
  days: Map<string, Cell>;
}

/** Accumulates authentication events of a stream of lines. */
export class AccessDayAggregator {
  private readonly accounts = new Map<string, AccountCells>();
  private readonly days: DayBucketer;
  private readonly dayStarts = new Map<string, number>();
  private block = new Int32Array(0);
  private blockUsed = 0;

  constructor(private readonly zone: string) {
    this.days = new DayBucketer(zone);
  }

  /** A new, empty cell of an account's day (kept out of addTo, whose every call is on the hot path). */
  private newCell(acc: AccountCells, day: string): Cell {
    const cell: Cell = {
      successes: 0, failures: 0, firstSuccess: Infinity, lastSuccess: -Infinity, firstFailure: Infinity, lastFailure: -Infinity,
      successWhere: '', failureWhere: '', dayStart: this.dayStart(day), hours: this.block, at: this.blockUsed,
    };
    this.claimHours(cell);
    acc.days.set(day, cell);
    return cell;
  }

  /** Give a new cell its HOURS_PER_DAY counts in the current block (a new block when full). */
  private claimHours(cell: Cell): void {
    const width = HOURS_PER_DAY;
    if (this.blockUsed + width > this.block.length) {
      this.block = new Int32Array(width * BLOCK_CELLS);
      this.blockUsed = 0;
    }
    cell.hours = this.block;
    cell.at = this.blockUsed;
    this.blockUsed += width;
  }

  /** Start of a local day (few distinct days: computed once each). */
  private dayStart(day: string): number {
    let ms = this.dayStarts.get(day);
    if (ms === undefined) {
      ms = DateTime.fromISO(day, { zone: this.zone }).startOf('day').toMillis();
      this.dayStarts.set(day, ms);
    }
    return ms;
  }

  /** Count `n` events of `account` at `ms`; `where` is the file or index they were read from. */
  add(account: string, ms: number, success: boolean, n: number, where: string): void {
    this.addTo(this.account(account), ms, success, n, where);
  }

  /** The cells of an account (created empty), to pass to addTo. */
  account(name: string): AccountCells {
    let acc = this.accounts.get(name);
    if (acc === undefined) {
      acc = { lastDay: '', lastCell: undefined, days: new Map() };
      this.accounts.set(name, acc);
    }
    return acc;
  }

  addTo(acc: AccountCells, ms: number, success: boolean, n: number, where: string): void {
    const day = this.days.dayOf(ms);
    let cell: Cell | undefined;
    if (acc.lastDay === day) cell = acc.lastCell;
    else {
      cell = acc.days.get(day) ?? this.newCell(acc, day);
      acc.lastDay = day;
      acc.lastCell = cell;
    }
    if (cell === undefined) return;
    // The cell is of the day holding ms, so 0 ≤ hour < 25; the guard only keeps a count in range.
    let hour = ((ms - cell.dayStart) / HOUR_MS) | 0;
    if (hour > HOURS_PER_DAY - 1) hour = HOURS_PER_DAY - 1;
    if (success) {
      cell.successes += n;
      cell.hours[cell.at + hour]! += n;
      if (ms < cell.firstSuccess) cell.firstSuccess = ms;
      if (ms > cell.lastSuccess || (ms === cell.lastSuccess && where < cell.successWhere)) {
        cell.lastSuccess = ms;
        cell.successWhere = where;
      }
    } else {
      cell.failures += n;
      if (ms < cell.firstFailure) cell.firstFailure = ms;
      if (ms > cell.lastFailure || (ms === cell.lastFailure && where < cell.failureWhere)) {
        cell.lastFailure = ms;
        cell.failureWhere = where;
      }
    }
  }

  /** Number of (account, day) cells held. */
  get size(): number {
    let n = 0;
    for (const a of this.accounts.values()) n += a.days.size;
    return n;
  }

  records(): AccessDayRecord[] {
    const out: AccessDayRecord[] = [];
    for (const [account, acc] of this.accounts) {
      for (const [day, c] of acc.days) {
        const r: AccessDayRecord = { account, day, successes: c.successes, failures: c.failures };
        // A single event is its own first: only the last is written (readers know).
        if (c.successes > 0) {
          if (c.successes > 1) r.firstSuccessAt = new Date(c.firstSuccess).toISOString();
          r.lastSuccessAt = new Date(c.lastSuccess).toISOString();
          r.successesByHour = hourCounts(c.hours, c.at);
        }
        if (c.failures > 0) {
          if (c.failures > 1) r.firstFailureAt = new Date(c.firstFailure).toISOString();
          r.lastFailureAt = new Date(c.lastFailure).toISOString();
        }
        const where = c.successes > 0 ? c.successWhere : c.failureWhere;
        if (where) r.where = where;
        out.push(r);
      }
    }
    // One cell per account and day already: only the order is left to make.
    return out.sort(byDayThenAccount);
  }
}

/** One outcome's hour counts of a cell, without trailing zeros. */
function hourCounts(hours: Int32Array, from: number): number[] {
  let end = from + HOURS_PER_DAY;
  while (end > from && hours[end - 1] === 0) end--;
  const out = new Array<number>(end - from);
  for (let i = from; i < end; i++) out[i - from] = hours[i]!;
  return out;
}
