/**
 * post-click-training-rate — "everyone who fell for a drill retrained within N days" (KPIS.md, A.6.3).
 *
 * Population: failures (person, campaign) of the campaigns launched in the period whose
 * follow-up deadline — the failure's time (the GoPhish timeline's first click or submission,
 * else the result's last status change), else the campaign's launch, + `withinDays` (default 14,
 * calendar days in the organisation's zone) — is no later than T. Compliant: a completion of one
 * of `courses` by the same person after the failure and no later than the deadline (exactly at
 * it is on time). A completion dated without a time is that whole day (KPIS.md): it is after the
 * failure when the day ends after it, and on time when the day begins no later than the
 * deadline. Failures whose deadline is still ahead are listed apart as waiting, with their
 * deadline; those past it fail, "not retrained" or "retrained late on <date>".
 */
import { z } from 'zod';
import type { EvidenceBundle } from './bundle.ts';
import { normText } from './params.ts';
import { days, departmentsParam, nameList } from './param-fields.ts';
import { drillsInPeriod } from './phishing-failures.ts';
import { defineKpi } from './registry-types.ts';
import { reason } from './reason.ts';
import { buildResult } from './result.ts';
import { dayAfterStart, isDateOnly, isoInZone, plusDays, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export const postClickTrainingParams = z.strictObject({
  /** The remedial courses: a completion of any one of them counts. */
  courses: nameList,
  /** Days after the failure by which the course must be completed. */
  withinDays: days().default(14),
  ...departmentsParam,
});

/** A completion: an instant (start = end), or a whole day [start, end), and how it is shown (the date for a day). */
interface Completed {
  start: number;
  end: number;
  shown: string;
}

export function postClickTrainingRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const params = ctx.objective.params as z.output<typeof postClickTrainingParams>;
  const courses = new Set(params.courses.map(normText));
  const { drills, win, index } = drillsInPeriod(bundle, ctx);

  // Completions of a remedial course begun no later than T, per person key (as drillsInPeriod
  // keys them): [start, end) — an instant's end is itself, a date's the next midnight.
  const done = new Map<string, Completed[]>();
  for (const c of bundle.completions) {
    if (!courses.has(normText(c.course))) continue;
    const ms = toMillis(c.completedAt, zone);
    if (Number.isNaN(ms) || ms > T) continue;
    const p = index.resolve(c.person);
    const key = p ? `p:${p.id}` : `e:${c.person.trim().toLowerCase()}`;
    let list = done.get(key);
    if (!list) done.set(key, (list = []));
    const day = isDateOnly(c.completedAt);
    list.push({ start: ms, end: day ? dayAfterStart(c.completedAt, zone) : ms, shown: day ? c.completedAt : isoInZone(ms, zone) });
  }
  for (const list of done.values()) list.sort((a, b) => a.start - b.start);

  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];
  const iso = (ms: number) => isoInZone(ms, zone);
  for (const d of drills) {
    if (!d.failed) continue;
    const failedMs = d.failedMs ?? d.launchedMs;
    const deadline = plusDays(failedMs, params.withinDays, zone);
    const after = (done.get(d.personKey) ?? []).filter((c) => c.end > failedMs);
    const onTime = after.find((c) => c.start <= deadline);
    const details = {
      campaign: d.campaign,
      failedAt: iso(failedMs),
      failedAtFrom: d.failedMs === undefined ? 'launch' : 'export',
      deadline: iso(deadline),
      completedAt: (onTime ?? after[0])?.shown ?? null,
    };
    if (deadline > T) {
      if (onTime === undefined) notes.push({ type: 'person', id: d.personId, ...reason('retrainingWaiting', { deadline: iso(deadline) }), details });
      continue;
    }
    denominator++;
    if (onTime !== undefined) {
      numerator++;
      continue;
    }
    const late = after[0];
    failing.push({
      type: 'person',
      id: d.personId,
      ...(late === undefined ? reason('retrainingMissing', { deadline: iso(deadline) }) : reason('retrainingLate', { on: late.shown })),
      details: { ...details, daysOverdue: Math.ceil(((late?.start ?? T) - deadline) / 86_400_000) },
    });
  }
  return buildResult('post-click-training-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

export const postClickTrainingRateKpi = defineKpi({
  id: 'post-click-training-rate',
  params: postClickTrainingParams,
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'phishing', as: 'current' },
    { kind: 'completion', as: 'current' },
  ],
  texts: {
    en: {
      name: 'Retrained after falling for a drill',
      definition: 'Drill failures (clicks or submissions) of the campaigns launched in the period whose follow-up deadline has passed, followed by a completion of a remedial course within the configured days.',
    },
    ja: {
      name: '訓練クリック後の再教育受講率',
      definition: '期間内に実施した訓練でクリックまたは情報を入力した者（再教育期限を過ぎたもの）のうち、指定日数以内に再教育コースを修了した割合。',
    },
  },
  evaluate: postClickTrainingRate,
});
