/** One GoPhish campaign object → its recipients' records (the JSON export and the API share it). */
import type { PhishingRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import type { RowResult } from '../csv/source.ts';
import { isNever } from '../idp/values.ts';
import { parseTimestamp } from '../time.ts';
import type { CollectContext } from '../types.ts';
import { eventsOf, failureTimesOf, parseGophishResult, type GophishResult, type Recipients } from './parse.ts';

/** A campaign object (`/api/campaigns/:id` or an export of it) as the parser needs it. */
export interface CampaignOptions {
  /** Its name in the records; default the campaign's own name. */
  campaign?: string;
  /** The configured launch time (it wins over the campaign's own dates). */
  launchedAt?: string;
  zone: string;
  /** What rejections name (the file, or the API endpoint). */
  file: string;
  /** Where the records go: rows of one recipient merge (see Recipients). */
  recipients: Recipients;
}

/**
 * The records of one GoPhish campaign object (`name`, `launch_date` or `created_date`,
 * `results`, `timeline`), added to `opts.recipients`: the JSON file format and the API both
 * come through here.
 */
export function campaignRecords(c: unknown, ci: number, opts: CampaignOptions, ctx: Pick<CollectContext, 'reject'>): void {
  const { file, zone } = opts;
  const o = c as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.results)) {
    throw new EvidenceInputError(file, `campaign ${ci + 1}: expected a GoPhish campaign object with "results"`);
  }
  const campaign = opts.campaign ?? String(o.name ?? o.id ?? `campaign ${ci + 1}`);
  let launchedAt = opts.launchedAt;
  for (const k of ['launch_date', 'created_date'] as const) {
    const v = o[k];
    if (launchedAt || typeof v !== 'string' || isNever(v)) continue;
    const t = parseTimestamp(v, { zone });
    if (!t.ok) throw new EvidenceInputError(file, `campaign "${campaign}": ${k}: ${t.error}`);
    launchedAt = t.value;
  }
  const parseOpts = { campaign, launchedAt, zone, events: eventsOf(o.timeline), failedAt: failureTimesOf(o.timeline, zone) };
  (o.results as unknown[]).forEach((res, i) => {
    const r: RowResult<PhishingRecord> =
      res && typeof res === 'object' ? parseGophishResult(res as GophishResult, parseOpts) : { ok: false, reason: 'result is not an object' };
    const line = i + 1;
    if (!r.ok) ctx.reject({ file, line, field: r.field, reason: `campaign "${campaign}": ${r.reason}` });
    else opts.recipients.add(r.key, r.data);
  });
}
