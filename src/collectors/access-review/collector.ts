/**
 * The access-review collector: the campaigns `access-review start` kept (their manifests in the
 * output folder) and the sheets reviewers returned (XLSX or CSV, anywhere under `path`) →
 * one record per account of each campaign, decided or not (a snapshot).
 *
 * A returned sheet is known by its rows' campaign and reviewer columns, not by its file name.
 * When the same sheet comes back more than once, the newest file (by modification time, then
 * name) replaces the others whole. A row is rejected with `file:line field: reason` when its
 * campaign or reviewer is not the sheet's, its account is not on that reviewer's list (the list
 * was changed), it repeats an account, its decision is not keep or remove, or a decision has no
 * reviewed_by; a file that cannot be read as a sheet is rejected as a whole (line 1), and the
 * other sheets still count. An account with no (accepted) decision is undecided.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { SourceOf } from '../../config/source-kinds.ts';
import { EvidenceInputError } from '../../errors.ts';
import type { Keyed } from '../../evidence/records.ts';
import { resolvePaths } from '../access-log/collector.ts';
import { unescapeFormula } from '../phishing/parse.ts';
import { describeField, resolveColumns } from '../csv/columns.ts';
import { readCsvRows } from '../csv/read.ts';
import { sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { MANIFEST_FILE, parseManifest, type CampaignManifest } from './manifest.ts';
import type { AccessReviewRecord } from './records.ts';
import { readReturnedRow, SHEET_FIELDS, type DecisionFields, type SheetField } from './sheet.ts';
import { readXlsx } from './xlsx.ts';

type Source = SourceOf<'access-review'>;
type Row = { line: number; record: Partial<Record<SheetField, string>> };

/** Every campaign manifest under the output folder (`<outputDir>/<campaign>/campaign.json`). */
export async function readManifests(outputDir: string): Promise<CampaignManifest[]> {
  let entries: string[];
  try {
    entries = (await readdir(outputDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new EvidenceInputError(outputDir, `cannot read the campaigns folder: ${(cause as Error).message}`, { cause });
  }
  const out: CampaignManifest[] = [];
  for (const dir of entries) {
    const file = join(outputDir, dir, MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new EvidenceInputError(file, `cannot read: ${(cause as Error).message}`, { cause });
    }
    try {
      out.push(parseManifest(text));
    } catch (cause) {
      throw new EvidenceInputError(file, (cause as Error).message, { cause });
    }
  }
  return out;
}

/** The rows of a returned file, keyed by sheet field; throws naming what makes it unreadable. */
async function readSheet(file: string, source: Source, ctx: CollectContext): Promise<Row[]> {
  if (/\.xlsx$/i.test(file)) {
    const t = await readXlsx(file);
    const { index, missing } = resolveColumns(t.headers, SHEET_FIELDS);
    if (t.headers.length === 0) throw new EvidenceInputError(file, 'an empty worksheet');
    if (missing.length) throw new EvidenceInputError(file, `missing required column(s) ${missing.map((f) => describeField(f, SHEET_FIELDS, {})).join('; ')}: found headers ${t.headers.map((h) => `"${h}"`).join(', ')}`);
    return t.rows.map(({ line, values }) => {
      const record: Row['record'] = {};
      for (const [f, i] of Object.entries(index) as [SheetField, number][]) if (values[i] !== undefined) record[f] = unescapeFormula(values[i]!);
      return { line, record };
    });
  }
  const { rows } = await readCsvRows(file, { encoding: source.encoding, fields: SHEET_FIELDS, reject: (r) => ctx.reject(r) });
  const out: Row[] = [];
  // The sheets were written with formula-like cells prefixed with ' (and a spreadsheet may keep it).
  for await (const r of rows as AsyncIterable<Row>) {
    for (const f of Object.keys(r.record) as SheetField[]) r.record[f] = unescapeFormula(r.record[f]!);
    out.push(r);
  }
  return out;
}

interface Returned {
  file: string;
  mtimeMs: number;
  campaign: string;
  reviewer: string;
  rows: Row[];
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export async function collectAccessReviews(source: Source, ctx: CollectContext): Promise<SnapshotOutput<'access-review'>> {
  const base = ctx.config.baseDir;
  const zone = sourceZone(source, ctx);
  const outputDir = resolve(base, source.outputDir);
  const manifests = await readManifests(outputDir);
  const files = (await resolvePaths([join(resolve(base, source.path), '**', '*.{xlsx,XLSX,csv,CSV}')], base)).filter((f) => !basename(f).startsWith('~$') && !basename(f).startsWith('.'));
  // Sheets returned but no campaign folder where `access-review start` writes: a mistyped
  // outputDir must not read as "no campaigns" (every decision would silently vanish).
  if (manifests.length === 0 && files.length > 0 && !existsSync(outputDir)) {
    throw new EvidenceInputError(outputDir, `${files.length} returned sheet(s) under ${source.path}, but the campaigns folder (outputDir) does not exist: set outputDir to where \`access-review start\` wrote the campaigns`);
  }

  // Read every returned file and find whose sheet it is.
  const returned: Returned[] = [];
  for (const file of files) {
    let rows: Row[];
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
      rows = await readSheet(file, source, ctx);
    } catch (cause) {
      const msg = (cause as Error).message.startsWith(file) ? (cause as Error).message.slice(file.length + 2) : (cause as Error).message;
      ctx.reject({ file, line: 1, reason: `not readable as a review sheet: ${msg}` });
      continue;
    }
    const first = rows.find((r) => r.record.campaign && r.record.reviewer);
    if (!first) {
      for (const r of rows) ctx.reject({ file, line: r.line, field: 'campaign', reason: 'no campaign and reviewer on any row: whose sheet is it?' });
      continue;
    }
    returned.push({ file, mtimeMs, campaign: first.record.campaign!.trim(), reviewer: first.record.reviewer!.trim(), rows });
  }

  // The newest return of a sheet replaces the older ones.
  const bySheet = new Map<string, Returned>();
  for (const r of returned) {
    const k = `${r.campaign}\u0000${r.reviewer.toLowerCase()}`;
    const old = bySheet.get(k);
    if (!old || r.mtimeMs > old.mtimeMs || (r.mtimeMs === old.mtimeMs && r.file > old.file)) bySheet.set(k, r);
  }
  const replaced = returned.length - bySheet.size;
  if (replaced > 0) ctx.log.info({ source: source.id, replaced }, 'older returns of a sheet replaced by newer ones');

  const campaigns = new Map(manifests.map((m) => [m.campaign, m]));
  const decisions = new Map<string, DecisionFields>();
  for (const r of bySheet.values()) {
    const m = campaigns.get(r.campaign);
    const sheet = m?.sheets.find((s) => same(s.reviewer, r.reviewer));
    if (!m || !sheet) {
      const why = !m ? `campaign "${r.campaign}" is not one that was started (no ${MANIFEST_FILE} for it)` : `campaign "${r.campaign}" has no sheet for this reviewer`;
      for (const row of r.rows) ctx.reject({ file: r.file, line: row.line, field: !m ? 'campaign' : 'reviewer', reason: why, ...(m ? { value: r.reviewer } : {}) });
      continue;
    }
    const listed = new Map(sheet.accounts.map((a) => [`${a.source.toLowerCase()}\u0000${a.account.toLowerCase()}`, a]));
    const seen = new Map<string, number>();
    const opts = {
      zone,
      ...(source.dateFormat ? { dateFormat: source.dateFormat } : {}),
      fileTime: new Date(Math.floor(r.mtimeMs)).toISOString(),
      startedAtMs: Date.parse(m.startedAt),
      observedAtMs: ctx.observedAt.getTime(),
    };
    for (const { line, record } of r.rows) {
      const reject = (field: SheetField, reason: string, value?: string) => ctx.reject({ file: r.file, line, field, reason, ...(value !== undefined ? { value } : {}) });
      if (!same(record.campaign ?? '', r.campaign)) {
        reject('campaign', `another campaign on a sheet of "${r.campaign}"`, record.campaign ?? '');
        continue;
      }
      if (!same(record.reviewer ?? '', r.reviewer)) {
        reject('reviewer', 'another reviewer than the sheet\'s', record.reviewer ?? '');
        continue;
      }
      const key = `${(record.source ?? '').trim().toLowerCase()}\u0000${(record.account ?? '').trim().toLowerCase()}`;
      const account = listed.get(key);
      if (!account) {
        reject('account', 'not an account on this sheet\'s list: the list was changed', `${record.account ?? ''} (${record.source ?? ''})`);
        continue;
      }
      const firstLine = seen.get(key);
      if (firstLine !== undefined) {
        reject('account', `the same account again (first on line ${firstLine})`, record.account);
        continue;
      }
      seen.set(key, line);
      const d = readReturnedRow(record, opts);
      if (!d.ok) {
        reject(d.field, d.reason, d.value);
        continue;
      }
      if (d.decision === undefined) continue;
      decisions.set(`${m.campaign}\u0000${account.source}\u0000${account.accountId}`, {
        decision: d.decision, reviewedBy: d.reviewedBy, reviewedAt: d.reviewedAt, reviewedAtFrom: d.reviewedAtFrom, sheet: r.file,
      });
    }
  }

  const records: Keyed<'access-review'>[] = [];
  for (const m of manifests) {
    const mine: AccessReviewRecord[] = [];
    for (const s of m.sheets) {
      for (const a of s.accounts) {
        const rec: AccessReviewRecord = {
          campaign: m.campaign, startedAt: m.startedAt, deadline: m.deadline, deadlineAt: m.deadlineAt, reviewer: s.reviewer,
          source: a.source, accountId: a.accountId, account: a.account, ownerKind: a.ownerKind,
          ...(a.owner ? { owner: a.owner } : {}), ...(a.department ? { department: a.department } : {}),
          ...decisions.get(`${m.campaign}\u0000${a.source}\u0000${a.accountId}`),
        };
        mine.push(rec);
      }
    }
    // Closed once every account has a decision: at the last one.
    if (mine.length > 0 && mine.every((r) => r.reviewedAt)) {
      const closedAt = mine.reduce((a, r) => (Date.parse(r.reviewedAt!) > Date.parse(a) ? r.reviewedAt! : a), mine[0]!.reviewedAt!);
      for (const r of mine) r.closedAt = closedAt;
    }
    for (const r of mine) records.push({ key: `${r.campaign}\u001f${r.source}\u001f${r.accountId}`, data: r });
  }
  ctx.progress(records.length, records.length);
  return { type: 'snapshot', records: iterate(records) };
}

async function* iterate<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

export const accessReviewCollector: Collector<'access-review', 'access-review'> = {
  sourceKind: 'access-review',
  recordKind: 'access-review',
  collect: collectAccessReviews,
};
