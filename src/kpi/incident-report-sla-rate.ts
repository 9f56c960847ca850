/**
 * incident-report-sla-rate — "incidents reported within 24 hours" (KPIS.md, A.5.24–A.5.26, A.6.8).
 * Population: incidents detected in the period, except unreported ones whose SLA has not run
 * out at T (pending: listed in the notes). A report dated after T is not yet known at T.
 * The SLA runs out after detected + `slaHours` (default 24): a report exactly then is on time,
 * so an unreported incident is still pending at that instant.
 */
import type { EvidenceBundle } from './bundle.ts';
import { numberParam } from './params.ts';
import { inWindow, periodAt } from './period.ts';
import { z } from 'zod';
import { hours } from './param-fields.ts';
import { reason } from './reason.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { isoInZone, optMillis, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

const HOUR_MS = 3_600_000;

export function incidentReportSlaRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const slaHours = numberParam(ctx, 'slaHours', 24, { min: 0 });
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  let numerator = 0;
  let denominator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];
  for (const inc of bundle.incidents) {
    const detected = toMillis(inc.detectedAt, zone);
    if (!inWindow(detected, win)) continue;
    const due = detected + slaHours * HOUR_MS;
    const rep = optMillis(inc.reportedAt, zone);
    const reported = rep !== undefined && rep <= T ? rep : undefined;
    const details = { detectedAt: isoInZone(detected, zone), due: isoInZone(due, zone), reportedAt: reported === undefined ? null : isoInZone(reported, zone), severity: inc.severity ?? null };
    if (reported === undefined && T <= due) {
      notes.push({ type: 'incident', id: inc.incidentId, ...reason('incidentPending'), details });
      continue;
    }
    denominator++;
    if (reported !== undefined && reported <= due) {
      numerator++;
      continue;
    }
    const lateHours = Math.round((((reported ?? T) - due) / HOUR_MS) * 10) / 10;
    failing.push({
      type: 'incident',
      id: inc.incidentId,
      ...reason(reported === undefined ? 'incidentNotReported' : 'incidentReportedLate', { lateHours, slaHours }),
      details,
    });
  }
  return buildResult('incident-report-sla-rate', ctx, win.period, { numerator, denominator, failing, notes });
}

export const incidentReportSlaRateKpi = defineKpi({
  id: 'incident-report-sla-rate',
  params: z.strictObject({
    /** Hours from detection within which an incident must be reported. */
    slaHours: hours().default(24),
  }),
  unit: 'ratio',
  defaultTarget: 0.9,
  defaultDirection: 'at_least',
  reads: [{ kind: 'incident', as: 'current' }],
  texts: {
    en: { name: 'Incidents reported within the deadline', definition: 'Incidents detected in the period that were reported no later than detection plus the SLA (unreported ones whose SLA is still running are pending).' },
    ja: { name: 'インシデント期限内報告率', definition: '期間内に検知されたインシデントのうち、検知からSLA時間以内に報告されたものの割合（SLA内で未報告のものは保留）。' },
  },
  evaluate: incidentReportSlaRate,
});
