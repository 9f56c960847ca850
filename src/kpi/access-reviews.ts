/**
 * The campaigns of the period, shared by access-review-completion-rate and
 * access-review-removal-rate (KPIS.md, A.5.18): the accounts of every campaign whose deadline
 * lies in the period and is no later than T. A campaign's deadline is an instant: the end of
 * its deadline day in the organisation's zone (the next midnight), or the instant it was given.
 * A deadline given as a date is that whole day (KPIS.md: a date without a time is a whole day):
 * the day lies in the period that holds its last instant, so a review due on 30 September counts
 * in the quarter ending then, not in the one starting at the next midnight, and a decision is on
 * time through that day's last millisecond: one dated at the next midnight is dated the next
 * day, and late. Decisions dated after T are not known at T.
 */
import type { RecordKinds } from '../evidence/records.ts';
import { currentOf, type EvidenceBundle } from './bundle.ts';
import { departmentFilter, normText } from './params.ts';
import { inWindow, periodAt, type PeriodWindow } from './period.ts';
import { dayAfterStart, isDateOnly, toMillis } from './time.ts';
import type { KpiContext } from './types.ts';

export type AccessReviewRecord = RecordKinds['access-review'];

export interface ReviewedAccount {
  r: AccessReviewRecord;
  deadlineMs: number;
  /** The last instant a decision is on time: the deadline day's last millisecond, or the deadline instant. */
  dueMs: number;
  /** The decision's time when it is known at T. */
  decidedMs?: number;
}

export function reviewedAccountsInPeriod(bundle: EvidenceBundle, ctx: KpiContext): { accounts: ReviewedAccount[]; win: PeriodWindow } {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const depts = departmentFilter(ctx);
  const accounts: ReviewedAccount[] = [];
  for (const r of currentOf(bundle, 'access-review')) {
    const deadlineMs = toMillis(r.deadlineAt, zone);
    const dueMs = dueInstant(r, deadlineMs, zone);
    if (!inWindow(dueMs, win)) continue;
    if (depts && (r.department === undefined || !depts.has(normText(r.department)))) continue;
    const d = r.decision && r.reviewedAt ? toMillis(r.reviewedAt, zone) : undefined;
    accounts.push({ r, deadlineMs, dueMs, ...(d !== undefined && !Number.isNaN(d) && d <= T ? { decidedMs: d } : {}) });
  }
  accounts.sort((a, b) => a.deadlineMs - b.deadlineMs || (a.r.campaign < b.r.campaign ? -1 : a.r.campaign > b.r.campaign ? 1 : a.r.account < b.r.account ? -1 : 1));
  return { accounts, win };
}

/**
 * The instant that places a campaign in a period: for a deadline given as a date (its instant is
 * that day's end, the next midnight) the day's last millisecond; otherwise the deadline itself.
 */
function dueInstant(r: AccessReviewRecord, deadlineMs: number, zone: string): number {
  return isDateOnly(r.deadline) && deadlineMs === dayAfterStart(r.deadline, zone) ? deadlineMs - 1 : deadlineMs;
}
