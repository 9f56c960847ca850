/**
 * scan-coverage-rate — "every asset scanned each quarter" (KPIS.md, A.8.8).
 *
 * Population: the assets of the asset inventory active at T (in service from the start of
 * `activeFrom` to the end of `activeTo`, whole days in the organisation's zone); without any
 * inventory record, every asset named in a report scanned in the 400 days up to T. Compliant:
 * a report of the asset scanned in (T − maxScanAgeDays, T] (default 92 days). A report names an
 * inventory asset when its asset or one of its other names (an address, an FQDN) is the asset's
 * id or one of its host names, compared after NFKC, trimmed and case-folded; reports of the
 * same host from several scanners count alike. Assets scanned but missing from the inventory
 * are listed apart.
 */
import { reason } from './reason.ts';
import { z } from 'zod';
import type { EvidenceBundle } from './bundle.ts';
import { currentOf } from './bundle.ts';
import { normAsset } from './findings.ts';
import { days } from './param-fields.ts';
import { inWindow, periodAt } from './period.ts';
import { defineKpi, type FactStream } from './registry-types.ts';
import { buildResult } from './result.ts';
import { dayAfterStart, dayStart, isoInZone, plusDays, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

/** How far back reports name the population when there is no inventory (KPIS.md). */
export const REPORT_LOOKBACK_DAYS = 400;

interface Seen {
  name: string;
  lastMs: number;
}

export async function scanCoverageRate(bundle: EvidenceBundle, facts: Pick<FactStream, 'readFacts'>, ctx: KpiContext): Promise<KpiResult> {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const maxAge = (ctx.objective.params['maxScanAgeDays'] as number | undefined) ?? 92;
  const recentFrom = plusDays(T, -maxAge, zone);
  const lookbackFrom = plusDays(T, -REPORT_LOOKBACK_DAYS, zone);
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);

  // Newest scan ≤ T per name (the asset and each of its other names), over every source.
  const byName = new Map<string, Seen>();
  const reported = new Map<string, Seen>();
  for await (const row of facts.readFacts('asset-scan')) {
    const r = row.data;
    if (r.part !== 0) continue;
    const ms = toMillis(r.scanAt, zone);
    if (Number.isNaN(ms) || ms > T) continue;
    const main = normAsset(r.asset);
    const seen = reported.get(main);
    if (!seen || ms > seen.lastMs) reported.set(main, { name: r.asset, lastMs: ms });
    for (const n of [r.asset, ...(r.names ?? [])]) {
      const k = normAsset(n);
      const s = byName.get(k);
      if (!s || ms > s.lastMs) byName.set(k, { name: n, lastMs: ms });
    }
  }

  const inventory = currentOf(bundle, 'asset');
  let numerator = 0;
  const failing: FailingSubject[] = [];
  const notes: FailingSubject[] = [];
  const day = (ms: number | undefined) => (ms === undefined ? undefined : isoInZone(ms, zone).slice(0, 10));

  if (inventory.length > 0) {
    const active = inventory.filter((a) => (!a.activeFrom || dayStart(a.activeFrom, zone) <= T) && (!a.activeTo || T < dayAfterStart(a.activeTo, zone)));
    const known = new Set<string>();
    for (const a of inventory) for (const n of [a.assetId, ...(a.hostnames ?? [])]) known.add(normAsset(n));
    for (const a of active) {
      let last: number | undefined;
      for (const n of [a.assetId, ...(a.hostnames ?? [])]) {
        const s = byName.get(normAsset(n));
        if (s && (last === undefined || s.lastMs > last)) last = s.lastMs;
      }
      if (last !== undefined && last > recentFrom) {
        numerator++;
        continue;
      }
      failing.push({
        type: 'asset',
        id: a.assetId,
        ...reason('assetNoRecentScan', { days: maxAge, last: day(last) ?? null }),
        details: { owner: a.owner ?? null, department: a.department ?? null, lastScan: last === undefined ? null : isoInZone(last, zone), hostnames: a.hostnames ?? [] },
      });
    }
    for (const [k, s] of reported) {
      if (known.has(k) || s.lastMs <= lookbackFrom) continue;
      notes.push({ type: 'asset', id: s.name, ...reason('assetNotInInventory', { last: day(s.lastMs)! }), details: { lastScan: isoInZone(s.lastMs, zone) } });
    }
    failing.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    notes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return buildResult('scan-coverage-rate', ctx, win.period, { numerator, denominator: active.length, failing, notes });
  }

  let denominator = 0;
  const lookback = { fromMs: lookbackFrom, toMs: T, fromInclusive: false, period: win.period };
  for (const s of reported.values()) {
    if (!inWindow(s.lastMs, lookback)) continue;
    denominator++;
    if (s.lastMs > recentFrom) {
      numerator++;
      continue;
    }
    failing.push({ type: 'asset', id: s.name, ...reason('assetNoRecentScan', { days: maxAge, last: day(s.lastMs) ?? null }), details: { lastScan: isoInZone(s.lastMs, zone) } });
  }
  failing.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return buildResult('scan-coverage-rate', ctx, win.period, { numerator, denominator, failing });
}

export const scanCoverageRateKpi = defineKpi({
  id: 'scan-coverage-rate',
  params: z.strictObject({
    /** A report scanned within this many days before T covers its asset. */
    maxScanAgeDays: days(1).default(92),
  }),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: [
    { kind: 'asset', as: 'current' },
    { kind: 'asset-scan', as: 'facts' },
  ],
  texts: {
    en: {
      name: 'Assets scanned for vulnerabilities',
      definition: 'Assets of the inventory in service at the evaluation instant (without an inventory: every asset named in a report of the last 400 days) with a scan report from the last maxScanAgeDays days.',
    },
    ja: {
      name: '脆弱性スキャン実施率',
      definition: '評価時点で稼働中の資産台帳の資産（台帳がなければ過去400日のスキャン結果に現れた資産）のうち、直近maxScanAgeDays日以内にスキャンされたものの割合。',
    },
  },
  evaluateStream: (bundle, facts, ctx) => scanCoverageRate(bundle, facts, ctx),
});
