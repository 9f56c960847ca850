/**
 * incident-count — "no incidents of a kind" (mis-sent mail 0, lost media 0; KPIS.md, A.5.24–A.5.28).
 *
 * Count of the incidents detected in the period whose category is one of `categories` and, when
 * `severities` is set, whose severity is one of them. Both compare after Unicode NFKC and case
 * folding, so 誤送信 matches ｺﾞｿｳｼﾝ-style width variants of a katakana spelling and `Mis-sent`
 * matches `mis-sent` or `ＭＩＳ－ＳＥＮＴ`. Without `categories`, every category counts (the
 * incidents of given severities, or all). An incident without a category matches no category.
 * The denominator is the number of incidents in the register as of T. No register collected by
 * T is no_data; a collected register — even an empty one, a register that says "no incidents" —
 * with no incident of the kind this period is 0.
 */
import { reason } from './reason.ts';
import { z } from 'zod';
import type { EvidenceBundle } from './bundle.ts';
import { nameList } from './param-fields.ts';
import { normText } from './params.ts';
import { inWindow, periodAt } from './period.ts';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { isoInZone, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

/** NFKC, then case folding (upper then lower folds ß to ss as Unicode full folding does), trimmed. */
export function foldText(s: string): string {
  return normText(s).toUpperCase().toLowerCase();
}

export function incidentCount(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const params = ctx.objective.params as { categories?: string[]; severities?: string[] };
  const categories = params.categories && params.categories.length > 0 ? new Set(params.categories.map(foldText)) : undefined;
  const severities = params.severities && params.severities.length > 0 ? new Set(params.severities.map(foldText)) : undefined;
  const failing: FailingSubject[] = [];
  for (const inc of bundle.incidents) {
    const detected = toMillis(inc.detectedAt, zone);
    if (!inWindow(detected, win)) continue;
    if (categories && (inc.category === undefined || !categories.has(foldText(inc.category)))) continue;
    if (severities && (inc.severity === undefined || !severities.has(foldText(inc.severity)))) continue;
    failing.push({
      type: 'incident',
      id: inc.incidentId,
      ...reason('incidentCounted', { category: inc.category ?? null, severity: inc.severity ?? null, detected: isoInZone(detected, zone).slice(0, 16).replace('T', ' ') }),
      details: { detectedAt: isoInZone(detected, zone), category: inc.category ?? null, severity: inc.severity ?? null, title: inc.title ?? null },
    });
  }
  failing.sort((a, b) => Date.parse(String(a.details.detectedAt)) - Date.parse(String(b.details.detectedAt)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const denominator = bundle.incidents.length;
  // No register collected by T is no evidence; a collected register with no rows says "none".
  const evidence = denominator > 0 || (bundle.observed?.incident ?? 0) > 0;
  return buildResult('incident-count', ctx, win.period, { numerator: failing.length, denominator, failing, value: evidence ? failing.length : null });
}

export const incidentCountKpi = defineKpi({
  id: 'incident-count',
  params: z.strictObject({
    /** Categories as the register writes them (誤送信, 紛失, …); absent: every category. */
    categories: nameList.optional(),
    /** Severities as the register writes them (高, critical, …); absent: every severity. */
    severities: nameList.optional(),
  }),
  unit: 'count',
  defaultTarget: 0,
  defaultDirection: 'at_most',
  reads: [{ kind: 'incident', as: 'current' }],
  texts: {
    en: { name: 'Incidents of a kind', definition: 'Incidents detected in the period whose category (and, when set, severity) is one of the configured ones.' },
    ja: { name: '特定種別のインシデント件数', definition: '期間内に検知されたインシデントのうち、指定した分類（指定があれば重大度も）に該当するものの件数。' },
  },
  evaluate: incidentCount,
});
