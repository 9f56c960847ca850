/**
 * stale-account-deletion-rate — "leaver and stale accounts removed" (KPIS.md, A.5.15, A.5.18).
 *
 * Params: `graceDays` (default 1), `includeDormant` (default false), `dormantDays` (default 90).
 *
 * Choices where KPIS.md leaves room, each for a reason:
 * - An account stale for several reasons (a leaver's account that was also dormant) takes the
 *   earliest stale-since: it should have gone at the first.
 * - Dormant and orphan accounts are in the population while active at T, and also when they
 *   were disabled after becoming stale (within the period, or after its start for overdue
 *   ones). Otherwise disabling one on time would make it vanish rather than count as compliant.
 *   A dormant account disabled before it went dormant was not removed for dormancy and is out.
 * - An orphan is stale from the first observation that saw it enabled (an orphan only ever
 *   seen disabled is harmless).
 * - "Not disabled at the period's start" means its disabling instant is after the start.
 * - Days overdue = whole days, rounded up, from the deadline to the disabling (or to T).
 */
import { z } from 'zod';
import type { AccountRecord, Versioned } from '../evidence/records.ts';
import { disabling, firstSeenActiveMs, isActive } from './accounts.ts';
import type { EvidenceBundle } from './bundle.ts';
import { employmentAt, type Employment } from './employment.ts';
import { identityIndexFor, latestData } from './identity.ts';
import { booleanParam, departmentFilter, normText, numberParam } from './params.ts';
import { inWindow, periodAt } from './period.ts';
import { days, departmentsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { DAY_MS, isoInZone, optMillis, plusDays } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

type StaleKind = 'leaver' | 'dormant' | 'orphan';

export function staleAccountDeletionRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const graceDays = numberParam(ctx, 'graceDays', 1, { min: 0 });
  const includeDormant = booleanParam(ctx, 'includeDormant', false);
  const dormantDays = numberParam(ctx, 'dormantDays', 90, { min: 1 });
  const depts = departmentFilter(ctx);
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const rules = { zone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };
  const iso = (ms: number): string => isoInZone(ms, zone);

  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];

  for (const acc of bundle.accounts) {
    const data = latestData(acc);
    if (!data) continue;
    const active = isActive(acc);
    if (index.isServiceAccount(data)) {
      if (active) notes.push(note(acc, data, 'service account: outside this KPI', { kind: 'service' }));
      continue;
    }
    const owner = index.resolveAccount(data);
    const emp: Readonly<Employment> | undefined = owner ? employmentAt(owner, T, rules) : undefined;
    if (depts) {
      const dept = emp?.department ?? data.department;
      if (dept === undefined || !depts.has(normText(dept))) continue;
    }
    const off = disabling(acc, zone);
    const disabledAt = off?.ms;

    let staleSince: number | undefined;
    let kind: StaleKind | undefined;
    const consider = (ms: number | undefined, k: StaleKind): void => {
      if (ms !== undefined && !Number.isNaN(ms) && (staleSince === undefined || ms < staleSince)) {
        staleSince = ms;
        kind = k;
      }
    };
    if (emp?.state === 'left') consider(emp.staleSinceMs, 'leaver');
    if (!owner) {
      const first = firstSeenActiveMs(acc);
      if (first !== undefined && (active || (disabledAt !== undefined && disabledAt >= first))) consider(first, 'orphan');
    }
    if (includeDormant) {
      const dormantSince = dormantStaleSince(acc, data, bundle, index.canonical.bind(index), zone, dormantDays);
      // No successful login for more than dormantDays as of T; removed after going dormant counts too.
      if (dormantSince !== undefined && dormantSince < T && (active || (disabledAt !== undefined && disabledAt >= dormantSince))) {
        consider(dormantSince, 'dormant');
      }
    }
    if (staleSince === undefined || kind === undefined) {
      if (!owner && active) notes.push(note(acc, data, 'orphan account: no person matches its owner', { kind: 'orphan' }));
      continue;
    }
    const deadline = plusDays(staleSince, graceDays, zone);
    if (deadline > T) {
      if (!owner && active) notes.push(note(acc, data, 'orphan account, not yet past its deadline', { kind: 'orphan', deadline: iso(deadline) }));
      continue;
    }
    const staleInPeriod = inWindow(staleSince, win);
    const carriedOver = staleSince <= win.fromMs && (disabledAt === undefined || disabledAt > win.fromMs);
    if (!staleInPeriod && !carriedOver) continue;

    denominator++;
    if (disabledAt !== undefined && disabledAt <= deadline) {
      numerator++;
      continue;
    }
    const end = disabledAt ?? T;
    const daysOverdue = Math.ceil((end - deadline) / DAY_MS);
    const what = kind === 'leaver' ? "leaver's account" : kind === 'dormant' ? 'dormant account' : 'orphan account';
    failing.push({
      type: 'account',
      id: data.login,
      reason:
        disabledAt === undefined
          ? `${what} still enabled, ${daysOverdue} day(s) past its deadline`
          : `${what} disabled ${daysOverdue} day(s) after its deadline`,
      details: {
        source: acc.source,
        accountId: data.accountId,
        owner: owner?.id ?? null,
        // The owner's department in HR as of T, else the IdP's: whom to ask to act.
        department: emp?.department ?? data.department ?? null,
        kind,
        staleSince: iso(staleSince),
        deadline: iso(deadline),
        disabledAt: disabledAt === undefined ? null : iso(disabledAt),
        // "first-observation" is an upper bound: the IdP gave no time, so the first collection
        // that saw it disabled stands in (KPIS.md). Backfilling older exports sharpens it.
        disabledAtFrom: off?.from ?? null,
        daysOverdue,
      },
    });
  }
  return buildResult('stale-account-deletion-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

/** Last login (IdP or, where later, access logs; else creation; else first seen) + dormantDays. */
function dormantStaleSince(
  acc: Versioned<AccountRecord>,
  data: AccountRecord,
  bundle: EvidenceBundle,
  canonical: (login: string) => string,
  zone: string,
  dormantDays: number,
): number | undefined {
  let last = optMillis(data.lastLoginAt, zone);
  if (bundle.accessLastSuccess.size > 0) {
    for (const name of [data.login, data.email]) {
      if (!name) continue;
      const seen = optMillis(bundle.accessLastSuccess.get(canonical(name)), zone);
      if (seen !== undefined && (last === undefined || seen > last)) last = seen;
    }
  }
  const base = last ?? optMillis(data.createdAt, zone) ?? (acc.versions[0] ? Date.parse(acc.versions[0].at) : undefined);
  return base === undefined || Number.isNaN(base) ? undefined : plusDays(base, dormantDays, zone);
}

function note(acc: Versioned<AccountRecord>, data: AccountRecord, reason: string, extra: Record<string, string>): FailingSubject {
  return { type: 'account', id: data.login, reason, details: { source: acc.source, accountId: data.accountId, ...extra } };
}

export const staleAccountDeletionRateKpi = defineKpi({
  id: 'stale-account-deletion-rate',
  params: z.strictObject({
    /** Days after stale-since by which the account must be disabled. */
    graceDays: days().default(1),
    /** Also count active accounts without a successful login for more than `dormantDays`. */
    includeDormant: z.boolean().default(false),
    dormantDays: days(1).default(90),
    ...departmentsParam,
  }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  // Access logs matter only for dormancy; reading them otherwise would be wasted work.
  reads: (ctx) => [
    { kind: 'person', as: 'history' },
    { kind: 'account', as: 'history' },
    ...(ctx.objective.params['includeDormant'] === true ? [{ kind: 'access-day', as: 'last-success' } as const] : []),
  ],
  texts: {
    en: {
      name: 'Leaver and stale accounts removed',
      definition: 'Accounts of leavers (and, where configured, dormant and orphan accounts) disabled or deleted no later than their deadline, out of those whose deadline has passed.',
    },
    ja: {
      name: '退職者・不要アカウントの削除率',
      definition: '期限（退職日の翌日＋猶予日数）を過ぎた退職者（設定により休眠・所有者不明）のアカウントのうち、期限までに無効化または削除されたものの割合。',
    },
  },
  evaluate: staleAccountDeletionRate,
});
