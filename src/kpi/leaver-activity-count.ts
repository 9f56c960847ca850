/**
 * leaver-activity-count — "no access after leaving" (KPIS.md, A.5.18, A.8.15): successful
 * authentications in the period, found in access logs, by an account at or after its owner's
 * stale-since (no grace).
 *
 * Evidence is the per-account, per-day aggregates of the access-log collectors (days in the
 * organisation's zone). Choices where the definition leaves room, each for a reason:
 * - A stale-since from a leave date is the start of a day in the organisation's zone, as are
 *   calendar periods' starts, so whole days decide and the count is exact: the successes of the
 *   stale-since day and of every later day up to T count.
 * - A bound inside a day (a rolling period's start, or a stale-since taken from the first
 *   collection that saw the HR status "left") splits that day, and the aggregate cannot say how
 *   many of its successes came after the bound: the day counts 1 when its last success is at or
 *   after the bound (at least one did) and 0 otherwise; the subject is marked `partialDay`.
 * - The day holding T counts whole: when a past instant is evaluated again, successes merged into
 *   that day's aggregate after T cannot be told apart from earlier ones (aggregates are per day).
 * - A log name is matched to a person by the identity keys, aliases and default domain
 *   (identity.ts), and failing that through an IdP account with that login or email.
 * - The population (denominator) is the log accounts with any authentication in the period; with
 *   none, there is no evidence and the status is `no_data`, never a silent 0.
 */
import type { AccessDayRecord, AccountRecord } from '../evidence/records.ts';
import type { FactRow } from '../evidence/store.ts';
import type { EvidenceBundle } from './bundle.ts';
import { employmentAt, type Employment } from './employment.ts';
import { identityIndexFor, latestData, type IdentityIndex, type Person } from './identity.ts';
import { periodAt, type PeriodWindow } from './period.ts';
import { z } from 'zod';
import { defineKpi, type FactStream } from './registry-types.ts';
import { reason } from './reason.ts';
import { buildResult } from './result.ts';
import { dayAfterStart, dayStart, isoInZone } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

/** One access-day aggregate with the source it came from. */
export interface AccessDayRow {
  source: string;
  data: AccessDayRecord;
}

interface Hits {
  account: string;
  owner: Person;
  staleSinceMs: number;
  count: number;
  lastMs: number;
  where?: string;
  source: string;
  partialDay: boolean;
}

/** Counts leaver activity over a stream of aggregates; `result()` gives the KPI. Pure. */
export class LeaverActivityCounter {
  private readonly zone: string;
  private readonly T: number;
  private readonly win: PeriodWindow;
  private readonly index: IdentityIndex;
  private readonly rules: { zone: string; leftStatuses?: Readonly<Record<string, readonly string[]>> };
  private readonly owners = new Map<string, Person | null>();
  private readonly employment = new Map<Person, Employment>();
  private readonly population = new Set<string>();
  private readonly hits = new Map<string, Hits>();
  private byIdpLogin: Map<string, Person> | undefined;
  private total = 0;

  constructor(private readonly bundle: EvidenceBundle, private readonly ctx: KpiContext) {
    this.zone = ctx.organisation.timeZone;
    this.T = ctx.at.getTime();
    this.win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
    this.index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
    this.rules = { zone: this.zone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };
  }

  private owner(account: string): Person | undefined {
    let p = this.owners.get(account);
    if (p === undefined) {
      p = this.index.resolve(account) ?? this.viaIdp(account) ?? null;
      this.owners.set(account, p);
    }
    return p ?? undefined;
  }

  private viaIdp(account: string): Person | undefined {
    if (!this.byIdpLogin) {
      this.byIdpLogin = new Map();
      for (const v of this.bundle.accounts) {
        const a: AccountRecord | undefined = latestData(v);
        if (!a) continue;
        const owner = this.index.resolveAccount(a);
        if (!owner) continue;
        for (const name of [a.login, a.email]) if (name && !this.byIdpLogin.has(this.index.canonical(name))) this.byIdpLogin.set(this.index.canonical(name), owner);
      }
    }
    return this.byIdpLogin.get(this.index.canonical(account));
  }

  private employmentOf(p: Person): Employment {
    let e = this.employment.get(p);
    if (!e) {
      e = employmentAt(p, this.T, this.rules);
      this.employment.set(p, e);
    }
    return e;
  }

  add(row: AccessDayRow): void {
    const r = row.data;
    const ds = dayStart(r.day, this.zone);
    const de = dayAfterStart(r.day, this.zone);
    if (Number.isNaN(ds) || ds > this.T || de <= this.win.fromMs) return;
    if (r.successes + r.failures > 0) this.population.add(r.account);
    if (r.successes <= 0 || !r.lastSuccessAt) return;
    const owner = this.owner(r.account);
    if (!owner) return;
    const emp = this.employmentOf(owner);
    if (emp.state !== 'left' || emp.staleSinceMs === undefined) return;
    const bound = Math.max(emp.staleSinceMs, this.win.fromMs);
    const last = Date.parse(r.lastSuccessAt);
    let n: number;
    let partial = false;
    if (ds >= bound) n = r.successes;
    else if (de > bound && last >= bound) {
      n = 1;
      partial = true;
    } else return;
    this.total += n;
    const key = r.account;
    const h = this.hits.get(key);
    if (!h) {
      const fresh: Hits = { account: r.account, owner, staleSinceMs: emp.staleSinceMs, count: n, lastMs: last, source: row.source, partialDay: partial };
      if (r.where !== undefined) fresh.where = r.where;
      this.hits.set(key, fresh);
      return;
    }
    h.count += n;
    h.partialDay ||= partial;
    if (last > h.lastMs) {
      h.lastMs = last;
      h.source = row.source;
      if (r.where !== undefined) h.where = r.where;
      else delete h.where;
    }
  }

  result(): KpiResult {
    const iso = (ms: number) => isoInZone(ms, this.zone);
    const failing: FailingSubject[] = [...this.hits.values()]
      .sort((a, b) => b.lastMs - a.lastMs || (a.account < b.account ? -1 : 1))
      .map((h) => ({
        type: 'account' as const,
        id: h.account,
        ...reason('leaverActivity', { count: h.count, staleSince: iso(h.staleSinceMs), last: iso(h.lastMs) }),
        details: {
          owner: h.owner.id,
          staleSince: iso(h.staleSinceMs),
          lastEvent: iso(h.lastMs),
          count: h.count,
          source: h.source,
          where: h.where ?? null,
          partialDay: h.partialDay,
        },
      }));
    const denominator = this.population.size;
    return buildResult('leaver-activity-count', this.ctx, this.win.period, {
      numerator: this.total,
      denominator,
      failing,
      value: denominator === 0 ? null : this.total,
    });
  }
}

/** The KPI over aggregates already in memory (tests, small sources). */
export function leaverActivityCount(bundle: EvidenceBundle, rows: Iterable<AccessDayRow>, ctx: KpiContext): KpiResult {
  const c = new LeaverActivityCounter(bundle, ctx);
  for (const r of rows) c.add(r);
  return c.result();
}

/**
 * Last successful authentication per log-in name from access-day aggregates, keyed by
 * `canonical` (pass `canonicalLogin` bound to the config, or `IdentityIndex.canonical`), for the
 * dormant part of stale-account-deletion-rate (`EvidenceBundle.accessLastSuccess`). With
 * `atMs`, a success after that instant is not yet known and is left out.
 */
export function accessLastSuccessByLogin(rows: Iterable<{ data: AccessDayRecord }>, canonical: (login: string) => string, atMs = Infinity): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) addLastSuccess(out, r.data, canonical, atMs);
  return out;
}

/** Streaming form of accessLastSuccessByLogin (reads the store's facts one by one). */
export async function accessLastSuccessFromFacts(rows: AsyncIterable<FactRow<'access-day'>>, canonical: (login: string) => string, atMs = Infinity): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const r of rows) addLastSuccess(out, r.data, canonical, atMs);
  return out;
}

function addLastSuccess(out: Map<string, string>, r: AccessDayRecord, canonical: (login: string) => string, atMs: number): void {
  if (r.successes <= 0 || !r.lastSuccessAt) return;
  const ms = Date.parse(r.lastSuccessAt);
  if (Number.isNaN(ms) || ms > atMs) return;
  const key = canonical(r.account);
  const old = out.get(key);
  if (old === undefined || ms > Date.parse(old)) out.set(key, r.lastSuccessAt);
}

export const leaverActivityCountKpi = defineKpi({
  id: 'leaver-activity-count',
  params: z.strictObject({}),
  unit: 'count',
  defaultTarget: 0,
  defaultDirection: 'at_most',
  // Aggregates are streamed, not loaded: accounts × days can be large.
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'account', as: 'history' },
    { kind: 'access-day', as: 'facts' },
  ],
  texts: {
    en: { name: 'Logins after leaving', definition: 'Successful authentications in the period, found in access logs, by accounts at or after their owner left.' },
    ja: { name: '退職後のログイン件数', definition: '期間内のアクセスログに記録された、所有者の退職日の翌日以降の認証成功の件数。' },
  },
  async evaluateStream(bundle: EvidenceBundle, facts: FactStream, ctx: KpiContext): Promise<KpiResult> {
    const c = new LeaverActivityCounter(bundle, ctx);
    for await (const row of facts.readFacts('access-day')) c.add(row);
    return c.result();
  },
});
