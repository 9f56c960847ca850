/**
 * Drill failures per person and campaign, shared by phishing-repeat-clicker-count and
 * post-click-training-rate (KPIS.md, A.6.3).
 *
 * A campaign's launch is its earliest `launchedAt` (as for phishing-click-rate); only campaigns
 * launched in the period (and so no later than T) count. Rows of one recipient in one campaign
 * merge (delivered, clicked, submitted if any row says so; the earliest failure time). A person is
 * whoever identity matching says; a recipient matching nobody in HR is known by the address,
 * compared case-insensitively. Bounced sends are no drill.
 */
import type { PhishingRecord } from '../evidence/records.ts';
import type { EvidenceBundle } from './bundle.ts';
import { employmentAt } from './employment.ts';
import { identityIndexFor, type IdentityIndex, type Person } from './identity.ts';
import { departmentFilter, normText } from './params.ts';
import { inWindow, periodAt, type PeriodWindow } from './period.ts';
import { toMillis } from './time.ts';
import type { KpiContext } from './types.ts';

/** One delivered drill of one person. */
export interface Drill {
  /** `p:<person id>` or `e:<address>`: the same key for the same person in every campaign. */
  personKey: string;
  /** How lists show the person: the person's id (first email), else the address. */
  personId: string;
  person?: Person;
  campaign: string;
  launchedMs: number;
  failed: boolean;
  /** The earliest failure time the export gives (ms); undefined: none given. */
  failedMs?: number;
}

export interface DrillsInPeriod {
  drills: Drill[];
  win: PeriodWindow;
  index: IdentityIndex;
}

/**
 * Each campaign's launch instant: the earliest launch time its rows give (campaign names
 * trimmed; rows without a readable launch time give none). Shared by every phishing KPI.
 */
export function campaignLaunches(rows: readonly PhishingRecord[], zone: string): Map<string, number> {
  const launch = new Map<string, number>();
  for (const r of rows) {
    const c = r.campaign.trim();
    const ms = toMillis(r.launchedAt, zone);
    if (Number.isNaN(ms)) continue;
    const prev = launch.get(c);
    if (prev === undefined || ms < prev) launch.set(c, ms);
  }
  return launch;
}

/** Every delivered drill of the campaigns launched in the period, one per person and campaign. */
export function drillsInPeriod(bundle: EvidenceBundle, ctx: KpiContext): DrillsInPeriod {
  const zone = ctx.organisation.timeZone;
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const launch = campaignLaunches(bundle.phishing, zone);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const depts = departmentFilter(ctx);
  const rules = { zone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };
  const byKey = new Map<string, Drill & { delivered: boolean }>();
  for (const r of bundle.phishing) {
    const campaign = r.campaign.trim();
    const launchedMs = launch.get(campaign);
    if (launchedMs === undefined || !inWindow(launchedMs, win)) continue;
    const person = index.resolve(r.email);
    if (depts) {
      const dept = person ? employmentAt(person, ctx.at.getTime(), rules).department : undefined;
      if (dept === undefined || !depts.has(normText(dept))) continue;
    }
    const address = r.email.trim().toLowerCase();
    const personKey = person ? `p:${person.id}` : `e:${address}`;
    const key = `${campaign}\u0000${personKey}`;
    const failed = r.clicked || r.submitted;
    const failedMs = failed && r.failedAt ? toMillis(r.failedAt, zone) : undefined;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, {
        personKey, personId: person?.id ?? address, ...(person ? { person } : {}), campaign, launchedMs, delivered: r.delivered, failed,
        ...(failedMs !== undefined && !Number.isNaN(failedMs) ? { failedMs } : {}),
      });
      continue;
    }
    prev.delivered ||= r.delivered;
    prev.failed ||= failed;
    if (failedMs !== undefined && !Number.isNaN(failedMs) && (prev.failedMs === undefined || failedMs < prev.failedMs)) prev.failedMs = failedMs;
  }
  const drills: Drill[] = [];
  for (const { delivered, ...d } of byKey.values()) if (delivered) drills.push(d);
  return { drills, win, index };
}
