/**
 * Starting an access-review campaign: snapshot, as of an instant, every active account of the
 * access-review source's identity sources from the evidence store, assign each a reviewer, and
 * write one worksheet per reviewer (XLSX and CSV) and the campaign's manifest into the source's
 * output folder. Used by `isms-kpi access-review start` and by `run` for sources with
 * `autoStart` (auto-start.ts). The sheets name people: they go there and nowhere else.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { MANIFEST_FILE } from '../collectors/access-review/manifest.ts';
import type { SourceOf } from '../config/source-kinds.ts';
import type { Config } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import type { AccountRecord, PersonRecord, RecordKind, RecordKinds, Versioned } from '../evidence/records.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { messages } from '../i18n/catalogue.ts';
import { dayAfterStart, isDateOnly, isoInZone } from '../kpi/time.ts';
import { planCampaign } from './plan.ts';
import { campaignSlot } from './schedule.ts';
import { CAMPAIGN_ID, writeCampaign, type WrittenCampaign } from './worksheets.ts';

type Review = SourceOf<'access-review'>;

export interface StartRequest {
  config: Config;
  store: EvidenceStore;
  source: Review;
  at: Date;
  /** Default: the campaign of the source's cadence containing `at` (`2026-Q3`). */
  campaign?: string;
  /** `2026-10-15` (through the end of that day) or an ISO instant; default `at` + reviewDays. */
  deadline?: string;
}

export interface StartedCampaign {
  campaign: string;
  written: WrittenCampaign;
  deadlineAtMs: number;
  /** The deadline as people read it: the date given, or the local time. */
  deadlineText: string;
}

/** Whether a campaign's manifest exists in the source's output folder. */
export function campaignExists(config: Pick<Config, 'baseDir'>, source: Review, campaign: string): boolean {
  return existsSync(join(resolve(config.baseDir, source.outputDir), campaign, MANIFEST_FILE));
}

/** Start a campaign; a UsageError when it was already started or the request is not usable. */
export async function startCampaign(r: StartRequest): Promise<StartedCampaign> {
  const { config, store, source: src, at } = r;
  const org = config.organisation;
  const zone = org.timeZone;
  const t = messages(org.language).accessReview;
  const campaign = r.campaign ?? campaignSlot(at.getTime(), src.cadence, org).id;
  if (!CAMPAIGN_ID.test(campaign)) throw new UsageError(`--campaign: "${campaign}" is not usable as a folder name (letters, digits, ".", "_", "-")`);
  const outputDir = resolve(config.baseDir, src.outputDir);
  if (campaignExists(config, src, campaign)) throw new UsageError(t.exists(campaign, join(outputDir, campaign)));
  const { deadline, ms: deadlineAtMs } = r.deadline
    ? parseDeadline(r.deadline, zone)
    : (() => {
        const d = isoInZone(at.getTime(), zone).slice(0, 10);
        const day = DateTime.fromISO(d, { zone }).plus({ days: src.reviewDays }).toISODate()!;
        return { deadline: day, ms: dayAfterStart(day, zone) };
      })();
  if (deadlineAtMs <= at.getTime()) throw new UsageError(`--deadline: ${deadline} is not after the start ${isoInZone(at.getTime(), zone)}`);
  const accountSources = sourcesOfKind(config, 'idp', src.accounts, `sources[id=${src.id}].accounts`);
  const hrSources = sourcesOfKind(config, 'hr-roster', src.hr, `sources[id=${src.id}].hr`);
  const leftStatuses: Record<string, readonly string[]> = {};
  for (const s of config.sources) if (s.kind === 'hr-roster') leftStatuses[s.id] = (s as SourceOf<'hr-roster'>).leftStatuses;
  const manifest = planCampaign({
    campaign,
    startedAtMs: at.getTime(),
    deadline,
    deadlineAtMs,
    sources: accountSources,
    people: (await snapshot(store, 'person', at, hrSources)) as Versioned<PersonRecord>[],
    accounts: (await snapshot(store, 'account', at, accountSources)) as Versioned<AccountRecord>[],
    review: src,
    organisation: org,
    identity: config.identity,
    leftStatuses,
  });
  const written = await writeCampaign(manifest, outputDir, org.language, zone);
  const deadlineText = isDateOnly(deadline) ? deadline : isoInZone(deadlineAtMs, zone).slice(0, 16).replace('T', ' ');
  return { campaign, written, deadlineAtMs, deadlineText };
}

/** Source ids of a kind: those named (checked), else every one of the kind. */
function sourcesOfKind(config: Config, kind: string, named: readonly string[] | undefined, field: string): string[] {
  const ofKind = config.sources.filter((s) => s.kind === kind).map((s) => s.id);
  if (!named) return ofKind;
  const wrong = named.filter((n) => !ofKind.includes(n));
  if (wrong.length) throw new UsageError(`${field}: ${wrong.map((w) => `"${w}"`).join(', ')} ${wrong.length === 1 ? 'is not a source' : 'are not sources'} of kind ${kind} in ${config.file} (${kind} sources: ${ofKind.join(', ') || 'none'})`);
  return [...named];
}

async function snapshot<K extends RecordKind>(store: EvidenceStore, kind: K, at: Date, sources: string[]): Promise<Versioned<RecordKinds[K]>[]> {
  const out: Versioned<RecordKinds[K]>[] = [];
  if (sources.length === 0) return out;
  for await (const batch of store.readSnapshotBatches(kind, at, sources)) out.push(...batch);
  return out;
}

/** `--deadline 2026-10-15` (the end of that day in the zone) or an ISO instant. */
function parseDeadline(raw: string, zone: string): { deadline: string; ms: number } {
  if (isDateOnly(raw)) {
    const ms = dayAfterStart(raw, zone);
    if (!Number.isNaN(ms) && DateTime.fromISO(raw).isValid) return { deadline: raw, ms };
  } else {
    const ms = Date.parse(raw);
    if (/^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(ms)) return { deadline: raw, ms };
  }
  throw new UsageError(`--deadline: expected a date such as 2026-10-15 (through the end of that day) or an ISO-8601 instant, got "${raw}"`);
}

