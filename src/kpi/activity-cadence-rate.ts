/**
 * activity-cadence-rate — "recurring controls done on schedule" (KPIS.md; A.5.35, A.8.15, A.8.8, A.5.18).
 *
 * Each configured activity has a cadence (cadence.ts: calendar slots in the organisation's zone
 * and fiscal year, or `every N days` from `since`). Performances are the activity register's
 * rows naming the activity (compared after NFKC and case folding), or — with `from: <source
 * id>` — that source's own dated records (a scan report at its scan time; any source kind that
 * declares `performances` in its descriptor, see src/evidence/performances.ts).
 *
 * Population: the slots that overlap the period and have ended, grace included (slot end +
 * graceDays ≤ T); a slot still running is listed apart, not counted. With `since`, slots start
 * on or after that date. Compliant: a performance dated in [slot start, slot end + graceDays) —
 * a performance exactly at the end of the grace is late. Failing: "not performed", or
 * "performed late on <date>" when the first performance after the grace came before the end
 * of the next slot's grace (later ones are that slot's, not a late one of this).
 */
import { reason } from './reason.ts';
import { z } from 'zod';
import { isoDate } from '../config/fields.ts';
import { currentOf, type EvidenceBundle } from './bundle.ts';
import { cadenceSchema, parseCadence, slotsBetween, type Slot } from './cadence.ts';
import { foldText } from './incident-count.ts';
import { days } from './param-fields.ts';
import { periodAt } from './period.ts';
import { defineKpi, type FactStream } from './registry-types.ts';
import { buildResult } from './result.ts';
import { isoInZone, plusDays, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

const activitySchema = z
  .strictObject({
    /** The activity, as the activity register names it (and as lists show it). */
    name: z.string().min(1),
    /** `monthly`, `quarterly`, `half-year`, `year` or `every N days`. */
    cadence: cadenceSchema,
    /** First day of the first slot (required for `every N days`). */
    since: isoDate.optional(),
    /** Days after a slot's end in which a performance still counts for it (default: the objective's graceDays). */
    graceDays: days().optional(),
    /** A source whose own dated records are the performances (e.g. the scan reports), instead of the register. */
    from: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    if (/^every /.test(a.cadence) && !a.since) ctx.addIssue({ code: 'custom', path: ['since'], message: 'an "every N days" cadence needs `since` (the first day of the first slot)' });
  });

type Activity = z.output<typeof activitySchema>;

export const activityCadenceParams = z.strictObject({
  activities: z.array(activitySchema).min(1),
  /** Default grace for every activity. */
  graceDays: days().default(0),
});

interface SlotState extends Slot {
  graceEndMs: number;
  firstInMs?: number;
  firstLateMs?: number;
}

interface Plan {
  activity: Activity;
  key: string;
  slots: SlotState[];
}

function plan(a: Activity, ctx: KpiContext, fromMs: number, defaultGrace: number): Plan {
  const zone = ctx.organisation.timeZone;
  const grace = a.graceDays ?? defaultGrace;
  const slots = slotsBetween(parseCadence(a.cadence), fromMs, ctx.at.getTime(), ctx.organisation, a.since).map((s) => ({ ...s, graceEndMs: plusDays(s.endMs, grace, zone) }));
  return { activity: a, key: foldText(a.name), slots };
}

/** Mark the slots a performance at `ms` (≤ T) is on time for, or late for. */
function record(p: Plan, ms: number): void {
  const s = p.slots;
  for (let i = 0; i < s.length; i++) {
    const slot = s[i]!;
    if (ms >= slot.startMs && ms < slot.graceEndMs) {
      if (slot.firstInMs === undefined || ms < slot.firstInMs) slot.firstInMs = ms;
    } else if (ms >= slot.graceEndMs && (i + 1 >= s.length || ms < s[i + 1]!.graceEndMs)) {
      if (slot.firstLateMs === undefined || ms < slot.firstLateMs) slot.firstLateMs = ms;
    }
  }
}

export async function activityCadenceRate(bundle: EvidenceBundle, facts: Pick<FactStream, 'performances'>, ctx: KpiContext): Promise<KpiResult> {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const params = ctx.objective.params as z.output<typeof activityCadenceParams>;
  const plans = params.activities.map((a) => plan(a, ctx, win.fromMs, params.graceDays ?? 0));

  // The register's rows, for the activities without `from`.
  const fromRegister = plans.filter((p) => !p.activity.from);
  if (fromRegister.length > 0) {
    const byName = new Map<string, Plan[]>();
    for (const p of fromRegister) byName.set(p.key, [...(byName.get(p.key) ?? []), p]);
    for (const r of currentOf(bundle, 'activity')) {
      const ps = byName.get(foldText(r.activity));
      const ms = toMillis(r.performedAt, zone);
      if (!ps || Number.isNaN(ms) || ms > T) continue;
      for (const p of ps) record(p, ms);
    }
  }
  // Each `from` source once, for every activity that names it.
  const bySource = new Map<string, Plan[]>();
  for (const p of plans) if (p.activity.from) bySource.set(p.activity.from, [...(bySource.get(p.activity.from) ?? []), p]);
  for (const [source, ps] of bySource) {
    if (!facts.performances) continue;
    for await (const perf of facts.performances(source)) {
      const ms = toMillis(perf.at, zone);
      if (Number.isNaN(ms) || ms > T) continue;
      const named = perf.activity === undefined ? undefined : foldText(perf.activity);
      for (const p of ps) if (named === undefined || named === p.key) record(p, ms);
    }
  }

  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];
  const day = (ms: number) => isoInZone(ms, zone).slice(0, 10);
  for (const p of plans) {
    for (const s of p.slots) {
      // Overlaps the period: ends after its start and starts no later than T.
      if (s.endMs <= win.fromMs || s.startMs > T) continue;
      const slot = `${day(s.startMs)}/${day(plusDays(s.endMs, -1, zone))}`;
      const details = {
        activity: p.activity.name,
        cadence: p.activity.cadence,
        slotStart: isoInZone(s.startMs, zone),
        slotEnd: isoInZone(s.endMs, zone),
        graceEnd: isoInZone(s.graceEndMs, zone),
        performedAt: s.firstInMs === undefined ? null : isoInZone(s.firstInMs, zone),
        performedLateAt: s.firstLateMs === undefined ? null : isoInZone(s.firstLateMs, zone),
        from: p.activity.from ?? null,
      };
      if (s.graceEndMs > T) {
        notes.push({ type: 'activity', id: `${p.activity.name} ${slot}`, ...reason('activityNotDueYet', { until: isoInZone(s.graceEndMs, zone).slice(0, 16).replace('T', ' '), withGrace: s.graceEndMs > s.endMs, performed: s.firstInMs === undefined ? null : day(s.firstInMs) }), details });
        continue;
      }
      denominator++;
      if (s.firstInMs !== undefined) {
        numerator++;
        continue;
      }
      failing.push({ type: 'activity', id: `${p.activity.name} ${slot}`, ...(s.firstLateMs === undefined ? reason('activityNotPerformed') : reason('activityPerformedLate', { on: day(s.firstLateMs) })), details });
    }
  }
  return buildResult('activity-cadence-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

export const activityCadenceRateKpi = defineKpi({
  id: 'activity-cadence-rate',
  params: activityCadenceParams,
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [{ kind: 'activity', as: 'current' }],
  texts: {
    en: {
      name: 'Recurring controls done on schedule',
      definition: 'Slots of the configured activities (monthly, quarterly, … or every N days) that overlap the period and have ended, in which the activity was performed (within the grace days after the slot).',
    },
    ja: {
      name: '定例管理策の実施率',
      definition: '設定した活動（毎月・四半期ごと・N日ごと等）の実施枠のうち、期間に重なり終了したものについて、枠内（猶予日数を含む）に実施された割合。',
    },
  },
  sourceRefs: (p) => (p as z.output<typeof activityCadenceParams>).activities.flatMap((a, i) => (a.from ? [{ path: ['activities', i, 'from'], source: a.from, needs: 'performances' as const }] : [])),
  evaluateStream: (bundle, facts, ctx) => activityCadenceRate(bundle, facts, ctx),
});
