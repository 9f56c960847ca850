/**
 * GoPhish exports → phishing results (a snapshot). The CSV is the UI's results export of one
 * campaign (campaign name: the source's `campaign`, else the file name; launch: the source's
 * `launchedAt`, else the earliest send date in the file). The JSON is the campaign API's
 * object, or an array of them; rejections' `line` is the result's 1-based position.
 */
import path from 'node:path';
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { EvidenceInputError, UsageError } from '../../errors.ts';
import type { HttpDeps } from '../api/http.ts';
import { readTextFile } from '../csv/decode.ts';
import { readCsvRows, type CsvRow } from '../csv/read.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import { sourcePath, sourceZone } from '../csv/source.ts';
import { isNever } from '../idp/values.ts';
import { parseTimestamp } from '../time.ts';
import type { CheckResult, CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { campaignRecords } from './campaign.ts';
import { parseGophishResult, Recipients } from './parse.ts';

type Field = 'email' | 'status' | 'reported' | 'send_date' | 'modified_date';
const FIELDS: FieldSpecs<Field> = {
  email: { defaults: ['email'], required: true },
  status: { defaults: ['status'], required: true },
  reported: { defaults: ['reported'] },
  send_date: { defaults: ['send_date'] },
  modified_date: { defaults: ['modified_date'] },
};

type Source = SourceOf<'phishing'>;
type PhishingFileSource = Extract<Source, { path: string }>;

function configuredLaunch(source: PhishingFileSource, zone: string, file: string): string | undefined {
  if (!source.launchedAt) return undefined;
  const t = parseTimestamp(source.launchedAt, { zone });
  if (!t.ok) throw new EvidenceInputError(file, `launchedAt in the source config: ${t.error}`);
  return t.value;
}

async function collectCsv(source: PhishingFileSource, file: string, zone: string, ctx: CollectContext): Promise<Keyed<'phishing'>[]> {
  const { rows } = await readCsvRows(file, { encoding: source.encoding, fields: FIELDS, reject: (r) => ctx.reject(r) });
  const all: CsvRow<Field>[] = [];
  if (Symbol.asyncIterator in rows) for await (const row of rows) all.push(row);
  else for (const row of rows) all.push(row);
  let launchedAt = configuredLaunch(source, zone, file);
  if (!launchedAt) {
    // The earliest send is the campaign's launch, so every recipient of it falls in the same period.
    let earliest: { ms: number; iso: string } | undefined;
    for (const { record } of all) {
      const s = record.send_date;
      if (!s || isNever(s)) continue;
      const t = parseTimestamp(s, { zone });
      if (!t.ok) continue;
      const ms = Date.parse(t.value);
      if (!earliest || ms < earliest.ms) earliest = { ms, iso: t.value };
    }
    launchedAt = earliest?.iso;
  }
  const opts = { campaign: source.campaign ?? path.basename(file).replace(/\.[^.]+$/, ''), launchedAt, zone };
  const recipients = new Recipients();
  for (const { line, record } of all) {
    const r = parseGophishResult(record, opts);
    if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason });
    else recipients.add(r.key, r.data);
  }
  return recipients.records();
}

async function collectJson(source: PhishingFileSource, file: string, zone: string, ctx: CollectContext): Promise<Keyed<'phishing'>[]> {
  const { text } = await readTextFile(file, source.encoding);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new EvidenceInputError(file, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const campaigns = Array.isArray(doc) ? doc : [doc];
  const recipients = new Recipients();
  const launchedAt = configuredLaunch(source, zone, file);
  const campaign = source.campaign && campaigns.length === 1 ? source.campaign : undefined;
  campaigns.forEach((c, ci) => campaignRecords(c, ci, { campaign, launchedAt, zone, file, recipients }, ctx));
  return recipients.records();
}

async function* iterate<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/** @param deps the HTTP layer's fetch, sleep and clock (tests make waits instant). */
export function createPhishingCollector(deps?: HttpDeps): Collector<'phishing', 'phishing'> {
  return {
    sourceKind: 'phishing',
    recordKind: 'phishing',
    async collect(source: Source, ctx: CollectContext): Promise<SnapshotOutput<'phishing'>> {
      if (source.format === 'gophish-api') {
        const { gophishRecords } = await import('./gophish-api.ts');
        const records = await gophishRecords(source, ctx, deps);
        ctx.progress(records.length, records.length);
        return { type: 'snapshot', records: iterate(records) };
      }
      const file = sourcePath(source, ctx);
      const zone = sourceZone(source, ctx);
      const records = source.format === 'gophish-json' ? await collectJson(source, file, zone, ctx) : await collectCsv(source, file, zone, ctx);
      ctx.progress(records.length, records.length);
      return { type: 'snapshot', records: iterate(records) };
    },
    async check(source: Source, ctx: CollectContext): Promise<CheckResult> {
      if (source.format !== 'gophish-api') throw new UsageError(`source "${source.id}" reads a file (${source.format}); --check is for API formats`);
      const { checkGophish } = await import('./gophish-api.ts');
      return checkGophish(source, ctx, deps);
    },
  };
}

export const phishingCollector = createPhishingCollector();
