/**
 * access-review-completion-rate — "every account reviewed by its deadline" (KPIS.md, A.5.18).
 *
 * Population: the accounts of the access-review campaigns whose deadline lies in the period and
 * is no later than T (see access-reviews.ts). Compliant: a decision (keep or remove) by a reviewer
 * other than the account's owner — the reviewer and the owner are compared as people, through
 * the identity keys and aliases — no later than the deadline (exactly at it is on time).
 * Failing, in this order: "no decision", "reviewed by its own owner", "decided late".
 */
import { z } from 'zod';
import { reviewedAccountsInPeriod } from './access-reviews.ts';
import type { EvidenceBundle } from './bundle.ts';
import { identityIndexFor, type IdentityIndex } from './identity.ts';
import { departmentsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import { reason as reasonOf } from './reason.ts';
import { buildResult } from './result.ts';
import { DAY_MS, isoInZone } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

/** Whether `reviewer` is `owner`: the same person, or the same identifier when either matches nobody. */
export function samePerson(index: IdentityIndex, owner: string | undefined, reviewer: string): boolean {
  if (!owner) return false;
  const a = index.resolve(owner);
  const b = index.resolve(reviewer);
  if (a && b) return a === b;
  return index.canonical(owner) === index.canonical(reviewer);
}

export function accessReviewCompletionRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const { accounts, win } = reviewedAccountsInPeriod(bundle, ctx);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const iso = (ms: number) => isoInZone(ms, zone);
  let numerator = 0;
  const failing: FailingSubject[] = [];
  for (const { r, deadlineMs, dueMs, decidedMs } of accounts) {
    let reason: ReturnType<typeof reasonOf> | undefined;
    if (decidedMs === undefined) reason = reasonOf('reviewNoDecision');
    else if (samePerson(index, r.owner, r.reviewedBy!)) reason = reasonOf('reviewOwnOwner');
    else if (decidedMs > dueMs) reason = reasonOf('reviewLate', { days: Math.ceil((decidedMs - dueMs) / DAY_MS) });
    if (!reason) {
      numerator++;
      continue;
    }
    failing.push({
      type: 'account',
      id: r.account,
      ...reason,
      details: {
        campaign: r.campaign,
        source: r.source,
        owner: r.owner ?? null,
        department: r.department ?? null,
        reviewer: r.reviewer,
        deadline: iso(deadlineMs),
        decision: decidedMs === undefined ? null : r.decision!,
        reviewedBy: decidedMs === undefined ? null : r.reviewedBy!,
        decidedAt: decidedMs === undefined ? null : iso(decidedMs),
        where: r.sheet ?? null,
      },
    });
  }
  return buildResult('access-review-completion-rate', ctx, win.period, { numerator, denominator: accounts.length, failing });
}

export const accessReviewCompletionRateKpi = defineKpi({
  id: 'access-review-completion-rate',
  params: z.strictObject({ ...departmentsParam }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'access-review', as: 'current' },
  ],
  texts: {
    en: {
      name: 'Access review completed by the deadline',
      definition: 'Accounts of the access-review campaigns whose deadline fell in the period that a reviewer other than their owner decided (keep or remove) by the deadline.',
    },
    ja: {
      name: 'アカウント棚卸し期限内完了率',
      definition: '期限が期間内に到来したアカウント棚卸しの対象アカウントのうち、所有者本人以外の確認者が期限までに判定（継続・削除）したものの割合。',
    },
  },
  evaluate: accessReviewCompletionRate,
});
