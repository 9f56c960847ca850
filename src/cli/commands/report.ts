/**
 * `isms-kpi report --period 2026-Q2 [--at ISO] --format html|pdf|xlsx --out FILE` writes the
 * management-review pack; `isms-kpi report --verify FILE` says whether the evidence behind a
 * pack is unchanged (exit 0) or not (exit 1).
 */
import { createRequire } from 'node:module';
import { REPORT_FORMATS, type ReportFormat } from '../../config/fields.ts';
import { UsageError } from '../../errors.ts';
import { parsePeriodName } from '../../kpi/fiscal-periods.ts';
import { reportInstant } from '../../reports/model.ts';
import { generateReport, verifyReport, writeReportFile } from '../../reports/write.ts';
import { createApp } from '../app.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

export const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export interface ReportOptions extends GlobalOptions {
  period?: string;
  at?: string;
  format?: string;
  out?: string;
  verify?: string;
}

export async function reportCommand(opts: ReportOptions): Promise<number> {
  if (opts.verify !== undefined && opts.period !== undefined) throw new UsageError('--verify FILE checks an existing report; give it without --period');
  if (opts.verify === undefined && opts.period === undefined) throw new UsageError('give --period (2026-09, 2026-Q2, 2026-H1 or FY2026) to write a report, or --verify FILE to check one');
  const format = (opts.format ?? 'html') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format: expected ${REPORT_FORMATS.join(', ')}, got "${opts.format}"`);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    if (opts.verify !== undefined) return await verify(opts.verify, app);
    const period = parsePeriodName(opts.period!, app.config.organisation);
    const at = parseInstant('--at', opts.at, () => reportInstant(period, new Date()));
    if (at.getTime() < period.fromMs || at.getTime() >= period.endMs) throw new UsageError(`--at ${opts.at} is outside ${period.name}`);
    const out = opts.out ?? `isms-kpi-report-${period.name}.${format}`;
    const { bytes, provenance } = await generateReport({ store: app.store, config: app.config, period, at, format, version: VERSION });
    writeReportFile(out, bytes);
    process.stdout.write(`${out}: ${period.name} as of ${provenance.at}, evidence sha256 ${provenance.evidenceSha256}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

async function verify(file: string, app: ReturnType<typeof createApp>): Promise<number> {
  let v;
  try {
    v = await verifyReport(file, app.store, app.config, VERSION);
  } catch (e) {
    throw new UsageError(`--verify ${file}: ${(e as Error).message}`);
  }
  if (!v) throw new UsageError(`--verify ${file}: not an isms-kpi report (no provenance found)`);
  const p = v.provenance;
  const lines = [
    `${file}: ${v.format} report of ${p.period} as of ${p.at} (isms-kpi ${p.version})`,
    `evidence: ${v.evidenceUnchanged ? 'UNCHANGED' : 'CHANGED'} (sha256 in the file ${p.evidenceSha256}, from the store now ${v.evidenceSha256})`,
    ...v.changedSources.map((s) => `  source ${s}: ${p.sources[s] ?? '(not in the report)'} → ${v.currentSources[s] ?? '(no longer read)'}`),
    `objectives' configuration: ${v.configUnchanged ? 'unchanged' : 'changed since the report'} (sha256 ${p.configSha256})`,
    ...(v.contentMatches === undefined ? [] : [`content: ${v.contentMatches ? 'generated again, identical' : 'generated again, DIFFERENT from the file'}`]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return v.evidenceUnchanged && v.contentMatches !== false ? 0 : 1;
}
