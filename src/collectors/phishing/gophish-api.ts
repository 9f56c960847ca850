/**
 * GoPhish's API (`gophish-api`): every campaign's results, as a `gophish-json` export of the
 * same campaigns would give them.
 *
 * The phishing kind is a snapshot: each collection is the full state, and a recipient missing
 * from a newer one is read as gone. A drill that happened must not vanish from the evidence
 * because someone tidied GoPhish up, and re-reading years of finished campaigns every run is
 * wasted load, so a run builds the full state from two parts:
 *
 * - fetched now (`/api/campaigns/{id}/results`): every campaign launched since the last run of
 *   this source (or on the first run, every campaign since `since`), every campaign that is not
 *   `Completed` yet (clicks and reports still arrive), and every campaign completed since the
 *   last run (its final results);
 * - carried over from this source's evidence as of the last run: campaigns completed before it,
 *   whose results cannot change any more, and campaigns that are no longer in GoPhish.
 *
 * The campaign list is `/api/campaigns/summary` (id, name, dates, status): `/api/campaigns/`
 * would carry every campaign's full results and timeline just to decide which to read.
 * A campaign is known by its name, as in the file formats (records are keyed campaign + email).
 */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { secretFrom } from '../api/auth.ts';
import { joinUrl, runClient } from '../api/fields.ts';
import { staticAuth } from '../api/auth.ts';
import type { ApiClient, HttpDeps } from '../api/http.ts';
import { sourceZone } from '../csv/source.ts';
import { isNever } from '../idp/values.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { campaignRecords } from './campaign.ts';
import { Recipients } from './parse.ts';

type GophishApiSource = Extract<SourceOf<'phishing'>, { format: 'gophish-api' }>;

export interface CampaignSummary {
  id: number;
  name: string;
  status?: string;
  created_date?: string;
  launch_date?: string;
  completed_date?: string;
}

function connect(source: GophishApiSource, ctx: CollectContext, deps?: HttpDeps): ApiClient {
  const client = runClient('GoPhish', source, ctx, deps);
  const key = secretFrom(ctx.config, source.id, 'apiKeyEnv', source.apiKeyEnv);
  client.hide(key);
  client.authenticate(staticAuth('authorization', `Bearer ${key}`));
  return client;
}

async function summaries(client: ApiClient, source: GophishApiSource): Promise<CampaignSummary[]> {
  const url = joinUrl(source.baseUrl, '/api/campaigns/summary');
  const { body } = await client.getJson<{ campaigns?: unknown }>(url, 'the campaign list (/api/campaigns/summary)');
  if (!body || !Array.isArray(body.campaigns)) throw new EvidenceInputError(url.href, 'GoPhish: expected {"campaigns": [...]}');
  return (body.campaigns as CampaignSummary[]).filter((c) => c && typeof c.id === 'number' && typeof c.name === 'string');
}

const ms = (v: string | undefined) => (v && !isNever(v) ? Date.parse(v) : NaN);

/**
 * Which listed campaigns to read now, given the last run's instant (undefined: no run yet) and
 * the campaign names already in the evidence. Pure.
 */
export function campaignsToFetch(list: readonly CampaignSummary[], lastRun: number | undefined, stored: ReadonlySet<string>, since?: string): CampaignSummary[] {
  const from = since ? Date.parse(`${since}T00:00:00Z`) : -Infinity;
  return list.filter((c) => {
    const launched = ms(c.launch_date) || ms(c.created_date);
    if (!Number.isNaN(launched) && launched < from) return false;
    if (lastRun === undefined || !stored.has(c.name)) return true;
    if (c.status !== 'Completed') return true;
    const completed = ms(c.completed_date);
    return Number.isNaN(completed) || completed >= lastRun;
  });
}

export async function gophishRecords(source: GophishApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<Keyed<'phishing'>[]> {
  const client = connect(source, ctx, deps);
  const zone = sourceZone(source, ctx);
  const at = ctx.observedAt.getTime();
  const lastIso = (await ctx.store.observations(source.id)).filter((t) => Date.parse(t) < at).at(-1);
  const kept = new Map<string, Keyed<'phishing'>[]>();
  if (lastIso) {
    for await (const v of ctx.store.readSnapshot('phishing', new Date(lastIso), [source.id])) {
      if (!v.current) continue;
      let list = kept.get(v.current.campaign);
      if (!list) kept.set(v.current.campaign, (list = []));
      list.push({ key: v.key, data: v.current });
    }
  }
  const list = await summaries(client, source);
  const fetch = campaignsToFetch(list, lastIso ? Date.parse(lastIso) : undefined, new Set(kept.keys()), source.since);
  const recipients = new Recipients();
  for (const [i, c] of fetch.entries()) {
    const url = joinUrl(source.baseUrl, `/api/campaigns/${c.id}/results`);
    const { body } = await client.getJson<Record<string, unknown>>(url, `the results of campaign ${i + 1} of ${fetch.length} (id ${c.id})`);
    // The results document has no dates: the summary's launch date places the campaign.
    const campaign = { ...body, name: c.name, launch_date: c.launch_date, created_date: c.created_date };
    campaignRecords(campaign, i, { zone, file: url.href, recipients }, ctx);
    kept.delete(c.name);
  }
  // A campaign read again replaces its kept records; the kept ones of campaigns not read again stay.
  for (const records of kept.values()) for (const r of records) if (!recipients.has(r.key)) recipients.add(r.key, r.data);
  return recipients.records();
}

export async function checkGophish(source: GophishApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const client = connect(source, ctx, deps);
  const list = await summaries(client, source);
  return { principal: 'the GoPhish API key (GoPhish does not say whose)', scopes: ['(a GoPhish API key has its user\'s role)'], visible: list.length, what: 'campaigns' };
}
