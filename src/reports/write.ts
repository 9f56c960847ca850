/**
 * `isms-kpi report`: the pack for one period as HTML, PDF or XLSX, and `--verify`: read a
 * pack's provenance back, recompute the evidence digest from the store as of the same instant,
 * and regenerate the HTML to compare it with what the file was made from.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReportFormat } from '../config/types.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { messages } from '../i18n/catalogue.ts';
import { parsePeriodName, type NamedPeriod } from '../kpi/fiscal-periods.ts';
import { META_PREFIX, reportHtml, sha256Hex } from './html.ts';
import { buildReport, configSha256, evidenceDigest, type Provenance, type ReportConfig, type ReportModel } from './model.ts';

// PDF (playwright-core) and XLSX (exceljs) are loaded when used: `report --format html` and
// `validate` need neither.
const pdf = () => import('./pdf.ts');
const xlsx = () => import('./xlsx.ts');

export interface ReportRequest {
  store: EvidenceStore;
  config: ReportConfig;
  period: NamedPeriod;
  at: Date;
  format: ReportFormat;
  version: string;
  chromiumPath?: string;
}

export interface WrittenReport {
  bytes: Uint8Array;
  provenance: Provenance;
}

export async function generateReport(r: ReportRequest): Promise<WrittenReport> {
  return (await generateReports({ ...r, formats: [r.format] }))[0]!;
}

/** Several formats of one pack, evaluated once. */
export async function generateReports(r: Omit<ReportRequest, 'format'> & { formats: readonly ReportFormat[] }): Promise<WrittenReport[]> {
  const model = await buildReport(r.store, r.config, r.period, r.at, r.version);
  const out: WrittenReport[] = [];
  for (const format of r.formats) out.push(await render(model, format, r.chromiumPath));
  return out;
}

async function render(model: ReportModel, format: ReportFormat, chromiumPath: string | undefined): Promise<WrittenReport> {
  const html = reportHtml(model);
  if (format === 'html') return { bytes: Buffer.from(html, 'utf8'), provenance: model.provenance };
  const provenance: Provenance = { ...model.provenance, htmlSha256: sha256Hex(html) };
  if (format === 'xlsx') return { bytes: await (await xlsx()).reportXlsx(model, provenance), provenance };
  const t = messages(model.lang);
  const bytes = await (await pdf()).htmlToPdf(html, { lang: model.lang, org: model.org, title: `${t.report.title} — ${model.periodText}`, provenance, ...(chromiumPath ? { executablePath: chromiumPath } : {}) });
  return { bytes, provenance };
}

export function writeReportFile(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  // Atomic: a reader (a mail job, a file share) never sees half a report.
  renameSync(tmp, file);
}

const HTML_META = new RegExp(`<meta name="${META_PREFIX}([a-z0-9-]+)" content="([^"]*)">`, 'g');

/** What a report file says about itself, whatever its format. */
export async function readProvenance(file: string): Promise<{ format: ReportFormat; provenance: Provenance; htmlSha256?: string } | undefined> {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    const p = await (await pdf()).pdfProvenance(bytes);
    return p ? { format: 'pdf', provenance: p } : undefined;
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const p = await (await xlsx()).xlsxProvenance(bytes);
    return p ? { format: 'xlsx', provenance: p } : undefined;
  }
  const text = bytes.toString('utf8');
  const meta = new Map<string, string>();
  for (const m of text.matchAll(HTML_META)) meta.set(m[1]!, m[2]!);
  if (!meta.has('evidence-sha256')) return undefined;
  const sources: Record<string, string> = {};
  for (const pair of (meta.get('sources') ?? '').split(' ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    sources[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    format: 'html',
    htmlSha256: sha256Hex(bytes),
    provenance: { period: meta.get('period') ?? '', at: meta.get('at') ?? '', configSha256: meta.get('config-sha256') ?? '', evidenceSha256: meta.get('evidence-sha256') ?? '', sources, version: meta.get('version') ?? '' },
  };
}

export interface Verification {
  format: ReportFormat;
  provenance: Provenance;
  /** The digest recomputed from the store as of the report's instant. */
  evidenceSha256: string;
  evidenceUnchanged: boolean;
  /** Sources whose stamp differs (changed, added or no longer read). */
  changedSources: string[];
  /** The stamps as of the report's instant, now. */
  currentSources: Record<string, string>;
  configUnchanged: boolean;
  /** The HTML generated again now is the one the file was made from (undefined: not checked). */
  contentMatches?: boolean;
}

export async function verifyReport(file: string, store: EvidenceStore, config: ReportConfig, version: string): Promise<Verification | undefined> {
  const read = await readProvenance(file);
  if (!read) return undefined;
  const p = read.provenance;
  const at = new Date(p.at);
  const now = await evidenceDigest(store, config, at);
  const names = [...new Set([...Object.keys(p.sources), ...Object.keys(now.sources)])].sort();
  const changedSources = names.filter((s) => p.sources[s] !== now.sources[s]);
  const v: Verification = {
    format: read.format,
    provenance: p,
    evidenceSha256: now.sha256,
    evidenceUnchanged: now.sha256 === p.evidenceSha256 && changedSources.length === 0,
    changedSources,
    currentSources: now.sources,
    configUnchanged: configSha256(config) === p.configSha256,
  };
  const want = read.htmlSha256 ?? p.htmlSha256;
  if (want && !Number.isNaN(at.getTime()) && p.period) {
    const period = parsePeriodName(p.period, config.organisation);
    const html = reportHtml(await buildReport(store, config, period, at, version));
    v.contentMatches = sha256Hex(html) === want;
  }
  return v;
}
