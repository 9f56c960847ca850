/**
 * The population shared by phishing-click-rate and phishing-report-rate (KPIS.md, A.6.3).
 *
 * Population: recipients of the campaigns launched in the period — a campaign's launch is its
 * earliest `launchedAt` — one per person and campaign (rows of one recipient merge: delivered,
 * clicked, submitted and reported if any row says so), without bounced sends. Recipients are the
 * same person when identity matching says so, else when their addresses match case-insensitively.
 * Params: `departments` (or `scope.departments`) keeps recipients matched to those departments.
 */
import type { EvidenceBundle } from './bundle.ts';
import { employmentAt } from './employment.ts';
import { campaignLaunches } from './phishing-failures.ts';
import { identityIndexFor } from './identity.ts';
import { departmentFilter, normText } from './params.ts';
import { inWindow, periodAt } from './period.ts';
import { reason } from './reason.ts';
import { buildResult } from './result.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export interface Recipient {
  campaign: string;
  email: string;
  delivered: boolean;
  clicked: boolean;
  submitted: boolean;
  reported: boolean;
  /** The recipient's department at T, when HR knows the person. */
  department?: string;
}

function recipientsInPeriod(bundle: EvidenceBundle, ctx: KpiContext): { recipients: Recipient[]; period: ReturnType<typeof periodAt> } {
  const zone = ctx.organisation.timeZone;
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const launch = campaignLaunches(bundle.phishing, zone);
  const depts = departmentFilter(ctx);
  const index = bundle.people.length > 0 || depts ? identityIndexFor(bundle.people, ctx.identity, ctx.organisation) : undefined;
  const rules = { zone, ...(ctx.leftStatuses ? { leftStatuses: ctx.leftStatuses } : {}) };
  const byKey = new Map<string, Recipient>();
  for (const r of bundle.phishing) {
    const c = r.campaign.trim();
    const at = launch.get(c);
    if (at === undefined || !inWindow(at, win)) continue;
    const person = index?.resolve(r.email);
    const dept = person ? employmentAt(person, ctx.at.getTime(), rules).department : undefined;
    if (depts && (dept === undefined || !depts.has(normText(dept)))) continue;
    const key = `${c}\u0000${person ? `p:${person.id}` : `e:${r.email.trim().toLowerCase()}`}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { campaign: c, email: r.email.trim(), delivered: r.delivered, clicked: r.clicked, submitted: r.submitted, reported: r.reported, ...(dept !== undefined ? { department: dept } : {}) });
    } else {
      prev.delivered ||= r.delivered;
      prev.clicked ||= r.clicked;
      prev.submitted ||= r.submitted;
      prev.reported ||= r.reported;
    }
  }
  return { recipients: [...byKey.values()].filter((r) => r.delivered), period: win };
}

type PhishingReason = 'phishingClicked' | 'phishingSubmitted' | 'phishingNotReported';

export function evaluatePhishing(kpi: string, bundle: EvidenceBundle, ctx: KpiContext, counts: (r: Recipient) => boolean, fails: (r: Recipient) => PhishingReason | undefined): KpiResult {
  const { recipients, period } = recipientsInPeriod(bundle, ctx);
  let numerator = 0;
  const failing: FailingSubject[] = [];
  for (const r of recipients) {
    if (counts(r)) numerator++;
    const why = fails(r);
    if (why) {
      failing.push({
        type: 'recipient',
        id: r.email,
        ...reason(why),
        details: { campaign: r.campaign, department: r.department ?? null, clicked: r.clicked, submitted: r.submitted, reported: r.reported },
      });
    }
  }
  return buildResult(kpi, ctx, period.period, { numerator, denominator: recipients.length, failing });
}

