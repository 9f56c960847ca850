/**
 * phishing-repeat-clicker-count — "nobody falls for it twice" (KPIS.md, A.6.3).
 *
 * People who failed (clicked or submitted data) in at least `minFailures` (default 2) of the
 * drill campaigns launched in the period and no later than T. The population (denominator) is
 * everyone who received a delivered drill of those campaigns, so no campaign at all gives
 * no_data rather than a count of 0. Failing subject: the person, the campaigns they failed.
 */
import { z } from 'zod';
import type { EvidenceBundle } from './bundle.ts';
import { departmentsParam } from './param-fields.ts';
import { drillsInPeriod, type Drill } from './phishing-failures.ts';
import { defineKpi } from './registry-types.ts';
import { reason } from './reason.ts';
import { buildResult } from './result.ts';
import { isoInZone } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export const phishingRepeatClickerParams = z.strictObject({
  /** Failed campaigns that make a repeat clicker. */
  minFailures: z.number().int().min(1).max(1000).default(2),
  ...departmentsParam,
});

export function phishingRepeatClickerCount(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const zone = ctx.organisation.timeZone;
  const { minFailures } = ctx.objective.params as z.output<typeof phishingRepeatClickerParams>;
  const { drills, win } = drillsInPeriod(bundle, ctx);
  const people = new Map<string, { id: string; failed: Drill[] }>();
  for (const d of drills) {
    let p = people.get(d.personKey);
    if (!p) people.set(d.personKey, (p = { id: d.personId, failed: [] }));
    if (d.failed) p.failed.push(d);
  }
  const failing: FailingSubject[] = [];
  for (const p of people.values()) {
    if (p.failed.length < minFailures) continue;
    const failed = p.failed.slice().sort((a, b) => a.launchedMs - b.launchedMs || (a.campaign < b.campaign ? -1 : 1));
    failing.push({
      type: 'person',
      id: p.id,
      ...reason('phishingRepeat', { count: failed.length, campaigns: failed.map((d) => d.campaign) }),
      details: {
        campaigns: failed.map((d) => d.campaign),
        failures: failed.length,
        lastFailedAt: isoInZone(Math.max(...failed.map((d) => d.failedMs ?? d.launchedMs)), zone),
      },
    });
  }
  failing.sort((a, b) => Number(b.details.failures) - Number(a.details.failures) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const denominator = people.size;
  return buildResult('phishing-repeat-clicker-count', ctx, win.period, {
    numerator: failing.length,
    denominator,
    failing,
    value: denominator === 0 ? null : failing.length,
  });
}

export const phishingRepeatClickerCountKpi = defineKpi({
  id: 'phishing-repeat-clicker-count',
  params: phishingRepeatClickerParams,
  unit: 'count',
  defaultTarget: 0,
  defaultDirection: 'at_most',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'phishing', as: 'current' },
  ],
  texts: {
    en: {
      name: 'People who fell for more than one drill',
      definition: 'People who clicked the link or submitted data in at least the configured number (default 2) of the drill campaigns launched in the period.',
    },
    ja: {
      name: '標的型メール訓練の複数回クリック者数',
      definition: '期間内に実施した訓練のうち、設定回数（既定2回）以上でリンクをクリックまたは情報を入力した人の数。',
    },
  },
  evaluate: phishingRepeatClickerCount,
});
