/**
 * Reports `run` writes on a schedule (config `reports:`). At each cron tick (organisation's
 * zone) a report covers the last period of its kind that has ended — a monthly one firing on
 * the 1st covers the month before, a quarterly one the quarter before — evaluated at that
 * period's last instant, so it is the same file whenever it is written (and written again
 * after a restart, identical while the evidence is unchanged). Files go to `outDir` as
 * `<report id>-<period>.<format>`; each written set is announced through the webhooks.
 */
import { join, resolve } from 'node:path';
import { nextRun } from '../config/cron.ts';
import type { Config, ReportConfig, ReportFormat } from '../config/types.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { ReportAnnouncement } from '../alerts/payloads.ts';
import type { Logger } from '../collectors/types.ts';
import { messages } from '../i18n/catalogue.ts';
import { lastEndedPeriod } from '../kpi/fiscal-periods.ts';
import { formatDay } from '../pages/format.ts';
import { SerialTimers } from '../jobs/timers.ts';
import { generateReports, writeReportFile } from './write.ts';

export interface ReportSchedulerDeps {
  store: EvidenceStore;
  config: Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives' | 'sourceRecordKinds' | 'reports' | 'baseDir'>;
  version: string;
  log: Logger;
  announce: (a: ReportAnnouncement) => void;
  clock?: () => Date;
}

export class ReportScheduler {
  private readonly timers = new SerialTimers();

  constructor(private readonly deps: ReportSchedulerDeps) {}

  private now(): Date {
    return (this.deps.clock ?? (() => new Date()))();
  }

  start(): void {
    for (const r of this.deps.config.reports) this.arm(r, this.now());
  }

  /** Stop the timers and wait for a report being written. */
  async stop(): Promise<void> {
    await this.timers.stop();
  }

  private arm(r: ReportConfig, from: Date): void {
    const at = nextRun(r.schedule, this.deps.config.organisation.timeZone, from);
    this.timers.set(r.id, at.getTime() - this.now().getTime(), () => {
      if (this.now().getTime() + 5 < at.getTime()) return this.arm(r, from); // a long wait, in steps
      this.timers.run(() => this.write(r, at)).catch((e: unknown) => this.deps.log.error({ report: r.id, err: (e as Error).message }, 'scheduled report failed'));
      this.arm(r, at);
    });
  }

  /** Write one report as of a tick at `firedAt`; returns the files written. */
  async write(r: ReportConfig, firedAt: Date): Promise<string[]> {
    const { config, store, version } = this.deps;
    const org = config.organisation;
    const period = lastEndedPeriod(r.period, firedAt.getTime(), org);
    const at = new Date(period.endMs - 1);
    const formats: ReportFormat[] = Array.isArray(r.format) ? r.format : [r.format];
    const dir = resolve(config.baseDir, r.outDir);
    const files: string[] = [];
    let evidenceSha256 = '';
    const written = await generateReports({ store, config, period, at, formats, version });
    for (const [i, format] of formats.entries()) {
      const file = join(dir, `${r.id}-${period.name}.${format}`);
      writeReportFile(file, written[i]!.bytes);
      files.push(file);
      evidenceSha256 = written[i]!.provenance.evidenceSha256;
    }
    this.deps.log.info({ report: r.id, period: period.name, files: files.length }, 'scheduled report written');
    const t = messages(org.language).report;
    const name = t.periodName(period.kind, period.fiscalYear, period.index, period.name);
    this.deps.announce({
      report: r.id,
      period: period.name,
      periodText: t.periodSpan(name, formatDay(period.fromMs, org.timeZone), formatDay(period.endMs - 1, org.timeZone)),
      at: at.toISOString(),
      evidenceSha256,
      files,
    });
    return files;
  }
}
