/**
 * leaver-activity-count — "no access after leaving" (KPIS.md, A.5.18, A.8.15): successful
 * authentications in the period, found in access logs, by an account at or after its owner's
 * stale-since (no grace).
 *
 * Evidence is the per-account, per-day aggregates of the access-log collectors (days in the
 * organisation's zone, with counts per hour and the day's first and last event). Choices where
 * the definition leaves room, each for a reason:
 * - An authentication after T never counts, on the day that holds T too, and one before a
 *   bound inside a day (a rolling period's start, a stale-since taken from the first collection
 *   that saw the HR status "left") neither: see access-days.ts. Where the hour holding a bound has
 *   events on both sides that the aggregate cannot place, the count is the events known to be
 *   inside (a lower bound) and the subject is marked `partialDay`.
 * - A re-hired person is a leaver between a departure and the next hire: successes in those
 *   intervals count (each from its own stale-since), successes while employed again do not.
 * - Aggregates are increments of the collection that read them (the store keeps one per
 *   observation), and only those observed at or before T are read, so a later collection never
 *   changes what an earlier instant saw.
 * - A log name is matched to a person by the identity keys, aliases and default domain
 *   (identity.ts), and failing that through an IdP account with that login or email.
 * - The population (denominator) is the log accounts with any authentication in the period; with
 *   none, there is no evidence and the status is `no_data`, never a silent 0.
 */
import type { AccessDayRecord, AccountRecord } from '../evidence/records.ts';
import type { FactRow } from '../evidence/store.ts';
import type { EvidenceBundle } from './bundle.ts';
import { anyIn, lastSuccessAtOrBefore, successesIn } from './access-days.ts';
import { notEmployedAt, type NotEmployed } from './employment.ts';
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
  private readonly gaps = new Map<Person, readonly NotEmployed[]>();
  private readonly population = new Set<string>();
  private readonly hits = new Map<string, Hits>();
  private byIdpLogin: Map<string, Person> | undefined;
  private total = 0;
  /** The period's first counted instant (inclusive): a rolling period excludes its start. */
  private readonly fromMs: number;

  constructor(private readonly bundle: EvidenceBundle, private readonly ctx: KpiContext) {
    this.zone = ctx.organisation.timeZone;
    this.T = ctx.at.getTime();
    this.win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
    this.fromMs = this.win.fromInclusive ? this.win.fromMs : this.win.fromMs + 1;
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

  private gapsOf(p: Person): readonly NotEmployed[] {
    let g = this.gaps.get(p);
    if (!g) {
      g = notEmployedAt(p, this.T, this.rules);
      this.gaps.set(p, g);
    }
    return g;
  }

  add(row: AccessDayRow): void {
    const r = row.data;
    const ds = dayStart(r.day, this.zone);
    const de = dayAfterStart(r.day, this.zone);
    if (Number.isNaN(ds) || ds > this.T || de <= this.fromMs) return;
    if (r.successes + r.failures > 0 && !this.population.has(r.account) && anyIn(r, this.zone, this.fromMs, this.T)) this.population.add(r.account);
    if (r.successes <= 0 || !r.lastSuccessAt) return;
    const owner = this.owner(r.account);
    if (!owner) return;
    for (const gap of this.gapsOf(owner)) {
      // The part of this departure inside the period and up to T (gaps end where a hire starts).
      const lo = Math.max(gap.fromMs, this.fromMs, ds);
      const hi = Math.min(gap.toMs - 1, this.T, de - 1);
      if (lo > hi) continue;
      const c = successesIn(r, this.zone, lo, hi);
      if (c.n <= 0 && c.exact) continue;
      this.hit(row, owner, gap.fromMs, c.n, c.lastMs, !c.exact);
    }
  }

  private hit(row: AccessDayRow, owner: Person, staleSinceMs: number, n: number, lastMs: number | undefined, partial: boolean): void {
    const r = row.data;
    this.total += n;
    const last = lastMs ?? -Infinity;
    const key = r.account;
    const h = this.hits.get(key);
    if (!h) {
      if (n <= 0) return; // nothing known to count: an undecided hour alone does not make a subject
      const fresh: Hits = { account: r.account, owner, staleSinceMs, count: n, lastMs: last, source: row.source, partialDay: partial };
      if (r.where !== undefined) fresh.where = r.where;
      this.hits.set(key, fresh);
      return;
    }
    h.count += n;
    h.partialDay ||= partial;
    if (last > h.lastMs) {
      h.lastMs = last;
      h.staleSinceMs = staleSinceMs;
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
 * `atMs`, a success after that instant is not yet known and is left out, on the day holding it
 * too (see access-days.ts; `zone` is the organisation's, in which the aggregates' days are).
 */
export function accessLastSuccessByLogin(rows: Iterable<{ data: AccessDayRecord }>, canonical: (login: string) => string, atMs = Infinity, zone = 'UTC'): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) addLastSuccess(out, r.data, canonical, atMs, zone);
  return out;
}

/** Streaming form of accessLastSuccessByLogin (reads the store's facts one by one). */
export async function accessLastSuccessFromFacts(rows: AsyncIterable<FactRow<'access-day'>>, canonical: (login: string) => string, atMs = Infinity, zone = 'UTC'): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const r of rows) addLastSuccess(out, r.data, canonical, atMs, zone);
  return out;
}

function addLastSuccess(out: Map<string, string>, r: AccessDayRecord, canonical: (login: string) => string, atMs: number, zone: string): void {
  const ms = lastSuccessAtOrBefore(r, zone, atMs);
  if (ms === undefined) return;
  const key = canonical(r.account);
  const old = out.get(key);
  if (old === undefined || ms > Date.parse(old)) out.set(key, ms === Date.parse(r.lastSuccessAt ?? '') ? r.lastSuccessAt! : new Date(ms).toISOString());
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
