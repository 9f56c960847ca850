/**
 * Per account and organisation-local day: authentication counts and the last success / failure.
 * Memory grows with accounts × days, never with lines. Merging is associative and commutative
 * (counts add, last-* take the max, `where` follows the record's decisive event), so shards
 * merged in any grouping give the unsharded answer.
 */
import type { AccessDayRecord } from '../../evidence/records.ts';
import { DayBucketer } from './time.ts';

/** Store key of an access-day fact: the day first (fixed width), so the key is unambiguous. */
export function accessDayKey(r: Pick<AccessDayRecord, 'account' | 'day'>): string {
  return `${r.day} ${r.account}`;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
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
  const ls = later(a.lastSuccessAt, b.lastSuccessAt);
  const lf = later(a.lastFailureAt, b.lastFailureAt);
  if (ls !== undefined) out.lastSuccessAt = ls;
  if (lf !== undefined) out.lastFailureAt = lf;
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

function byDayThenAccount(x: AccessDayRecord, y: AccessDayRecord): number {
  return x.day < y.day ? -1 : x.day > y.day ? 1 : x.account < y.account ? -1 : x.account > y.account ? 1 : 0;
}

/** Mutable per-day cell of the hot loop: epoch ms instead of ISO strings until the end. */
interface Cell {
  successes: number;
  failures: number;
  lastSuccess: number;
  lastFailure: number;
  successWhere: string;
  failureWhere: string;
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

  constructor(zone: string) {
    this.days = new DayBucketer(zone);
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
      cell = acc.days.get(day);
      if (cell === undefined) {
        cell = { successes: 0, failures: 0, lastSuccess: -Infinity, lastFailure: -Infinity, successWhere: '', failureWhere: '' };
        acc.days.set(day, cell);
      }
      acc.lastDay = day;
      acc.lastCell = cell;
    }
    if (cell === undefined) return;
    if (success) {
      cell.successes += n;
      if (ms > cell.lastSuccess || (ms === cell.lastSuccess && where < cell.successWhere)) {
        cell.lastSuccess = ms;
        cell.successWhere = where;
      }
    } else {
      cell.failures += n;
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
        if (c.successes > 0) r.lastSuccessAt = new Date(c.lastSuccess).toISOString();
        if (c.failures > 0) r.lastFailureAt = new Date(c.lastFailure).toISOString();
        const where = c.successes > 0 ? c.successWhere : c.failureWhere;
        if (where) r.where = where;
        out.push(r);
      }
    }
    // One cell per account and day already: only the order is left to make.
    return out.sort(byDayThenAccount);
  }
}
