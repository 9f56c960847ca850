/**
 * access-review-removal-rate — "what the access review said to remove was removed" (KPIS.md, A.5.18).
 *
 * Population: the accounts decided `remove` in the access-review campaigns whose deadline lies
 * in the period and is no later than T (late decisions included), once decided at + `graceDays`
 * (default 1, calendar days in the organisation's zone) is no later than T — or once disabled,
 * whichever is first. Compliant: disabled or deleted no later than decided at + graceDays
 * (exactly then is on time), the disabling time found as for stale-account-deletion-rate: the
 * IdP's status-changed time where it is believable, else the first collection that saw the
 * account disabled or gone (accounts.ts `disabling`). Disabled before the decision counts too.
 * An account the identity source's evidence does not hold at all cannot be shown removed and fails.
 */
import { z } from 'zod';
import type { AccountRecord, Versioned } from '../evidence/records.ts';
import { disabling } from './accounts.ts';
import { reviewedAccountsInPeriod } from './access-reviews.ts';
import type { EvidenceBundle } from './bundle.ts';
import { days, departmentsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import { reason } from './reason.ts';
import { buildResult } from './result.ts';
import { DAY_MS, isoInZone, plusDays } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export const accessReviewRemovalParams = z.strictObject({
  /** Days after a `remove` decision by which the account must be disabled or deleted. */
  graceDays: days().default(1),
  ...departmentsParam,
});

export function accessReviewRemovalRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const { graceDays } = ctx.objective.params as z.output<typeof accessReviewRemovalParams>;
  const { accounts, win } = reviewedAccountsInPeriod(bundle, ctx);
  const bySource = new Map<string, Versioned<AccountRecord>>();
  for (const v of bundle.accounts) {
    bySource.set(`${v.source}\u0000${v.key}`, v);
    const id = (v.current ?? v.versions[v.versions.length - 1]?.data)?.accountId;
    if (id !== undefined && id !== v.key) bySource.set(`${v.source}\u0000${id}`, v);
  }
  const iso = (ms: number) => isoInZone(ms, zone);
  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];
  for (const { r, decidedMs } of accounts) {
    if (r.decision !== 'remove' || decidedMs === undefined) continue;
    const graceEnd = plusDays(decidedMs, graceDays, zone);
    const v = bySource.get(`${r.source}\u0000${r.accountId}`);
    const off = v ? disabling(v, zone) : undefined;
    const details = {
      campaign: r.campaign,
      source: r.source,
      accountId: r.accountId,
      owner: r.owner ?? null,
      department: r.department ?? null,
      reviewedBy: r.reviewedBy ?? null,
      decidedAt: iso(decidedMs),
      graceEnd: iso(graceEnd),
      disabledAt: off ? iso(off.ms) : null,
      disabledAtFrom: off?.from ?? null,
    };
    if (!off && v && graceEnd > T) {
      notes.push({ type: 'account', id: r.account, ...reason('removalPending', { graceEnd: iso(graceEnd) }), details });
      continue;
    }
    denominator++;
    if (off && off.ms <= graceEnd) {
      numerator++;
      continue;
    }
    const daysOverdue = Math.ceil(((off?.ms ?? T) - graceEnd) / DAY_MS);
    failing.push({
      type: 'account',
      id: r.account,
      ...(!v ? reason('removalNoAccount') : off ? reason('removalLate', { days: daysOverdue }) : reason('removalStillEnabled', { days: daysOverdue })),
      details: { ...details, daysOverdue },
    });
  }
  return buildResult('access-review-removal-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

export const accessReviewRemovalRateKpi = defineKpi({
  id: 'access-review-removal-rate',
  params: accessReviewRemovalParams,
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'access-review', as: 'current' },
    { kind: 'account', as: 'history' },
  ],
  texts: {
    en: {
      name: 'Access review removals carried out',
      definition: 'Accounts decided "remove" in the access-review campaigns whose deadline fell in the period that were disabled or deleted within the grace days after the decision.',
    },
    ja: {
      name: 'アカウント棚卸し削除判定の実施率',
      definition: '期限が期間内に到来したアカウント棚卸しで「削除」と判定されたアカウントのうち、判定から猶予日数以内に無効化または削除されたものの割合。',
    },
  },
  evaluate: accessReviewRemovalRate,
});
