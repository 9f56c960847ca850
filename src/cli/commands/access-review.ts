/**
 * `isms-kpi access-review start` and `status`: an access review (アカウント棚卸し) campaign.
 *
 * `start` snapshots, as of now (or `--at`), every active account of the access-review source's
 * identity sources from the evidence store, assigns each a reviewer, and writes one worksheet per
 * reviewer (XLSX and CSV) and the campaign's manifest into the source's output folder. The
 * sheets name people: they go there and nowhere else; the command prints counts and the folder,
 * and logs nothing about people.
 *
 * `status` collects the source (the returned sheets) unless `--no-collect`, then shows per
 * reviewer how many of their accounts are decided.
 */
import { campaignSlot } from '../../access-review/schedule.ts';
import { campaignStatuses } from '../../access-review/status.ts';
import { startCampaign } from '../../access-review/start.ts';
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Config } from '../../config/types.ts';
import { UsageError } from '../../errors.ts';
import { messages } from '../../i18n/catalogue.ts';
import { runCollection } from '../../jobs/run-collection.ts';
import { isoInZone } from '../../kpi/time.ts';
import { createApp } from '../app.ts';
import { table } from '../format.ts';
import { requireKnownIds } from '../ids.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

type Review = SourceOf<'access-review'>;

export interface StartOptions extends GlobalOptions {
  campaign?: string;
  deadline?: string;
  at?: string;
  source?: string;
}

export interface StatusOptions extends GlobalOptions {
  campaign?: string;
  source?: string;
  at?: string;
  collect?: boolean;
  format?: string;
}

/** The access-review source: the one named, or the only one. */
function reviewSource(config: Config, id: string | undefined): Review {
  const all = config.sources.filter((s) => s.kind === 'access-review') as Review[];
  if (id !== undefined) {
    requireKnownIds('source', [id], all.map((s) => s.id), config.file);
    return all.find((s) => s.id === id)!;
  }
  if (all.length === 0) throw new UsageError(`no source of kind access-review in ${config.file}`);
  if (all.length > 1) throw new UsageError(`several access-review sources in ${config.file} (${all.map((s) => s.id).join(', ')}): name one with --source`);
  return all[0]!;
}

export async function accessReviewStartCommand(opts: StartOptions): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const { config } = app;
    const org = config.organisation;
    const t = messages(org.language).accessReview;
    const src = reviewSource(config, opts.source);
    const at = parseInstant('--at', opts.at, () => new Date());
    const started = await startCampaign({ config, store: app.store, source: src, at, campaign: opts.campaign, deadline: opts.deadline });
    // Counts only: the sheets name people.
    app.log.info({ source: src.id, campaign: started.campaign, accounts: started.written.accounts, sheets: started.written.sheets }, 'access review started');
    process.stdout.write(`${t.started(started.campaign, started.written.accounts, started.written.sheets, started.deadlineText)}\n${t.writtenTo(started.written.dir)}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

export async function accessReviewStatusCommand(opts: StatusOptions): Promise<number> {
  const format = opts.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json, got "${format}"`);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const { config } = app;
    const org = config.organisation;
    const zone = org.timeZone;
    const t = messages(org.language).accessReview;
    const src = reviewSource(config, opts.source);
    parseInstant('--at', opts.at, () => new Date());
    let failed = false;
    if (opts.collect !== false && opts.at === undefined) {
      const run = await runCollection(app.deps, src.id);
      for (const r of run.rejections) process.stderr.write(`${src.id}: rejected ${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}\n`);
      if (run.rejected > run.rejections.length) process.stderr.write(`${src.id}: … and ${run.rejected - run.rejections.length} more rejected rows\n`);
      failed = run.rejected > 0;
    }
    // After the collection: what it just wrote is evidence of that instant.
    const at = parseInstant('--at', opts.at, () => new Date());
    const records = [];
    for await (const batch of app.store.readSnapshotBatches('access-review', at, [src.id])) for (const v of batch) if (v.current) records.push(v.current);
    const statuses = campaignStatuses(records);
    const slot = campaignSlot(at.getTime(), src.cadence, org);
    const startedInSlot = statuses.some((c) => c.campaign === slot.id || (Date.parse(c.startedAt) >= slot.startMs && Date.parse(c.startedAt) < slot.endMs));
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ at: at.toISOString(), currentSlot: slot.id, currentSlotStarted: startedInSlot, campaigns: statuses }, null, 2)}\n`);
      return failed ? 1 : 0;
    }
    if (statuses.length === 0) {
      process.stdout.write(`${t.noCampaign}\n${t.due(slot.id, false)}\n`);
      return failed ? 1 : 0;
    }
    const chosen = opts.campaign ? statuses.find((c) => c.campaign === opts.campaign) : statuses[statuses.length - 1];
    if (!chosen) throw new UsageError(t.unknownCampaign(opts.campaign!, statuses.map((c) => c.campaign).join(', ')));
    const local = (iso: string) => isoInZone(Date.parse(iso), zone).slice(0, 16).replace('T', ' ');
    const c = t.column;
    process.stdout.write(`${t.summary(chosen.campaign, local(chosen.deadlineAt), chosen.decided, chosen.accounts, chosen.closedAt ? local(chosen.closedAt) : null)}\n`);
    process.stdout.write(
      table(
        [c.reviewer, c.accounts, c.decided, c.remaining, c.late, c.remove],
        chosen.reviewers.map((r) => [r.reviewer, String(r.accounts), String(r.decided), String(r.accounts - r.decided), String(r.late), String(r.remove)]),
      ),
    );
    process.stdout.write(`${t.due(slot.id, startedInSlot)}\n`);
    return failed ? 1 : 0;
  } finally {
    await app.close();
  }
}
