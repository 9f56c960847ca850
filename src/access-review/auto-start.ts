/**
 * `run` starting access-review campaigns on their schedule (sources with `autoStart`). At start
 * and then at each cadence period's start (organisation's zone), a source whose current period
 * has no campaign yet — none named for the period, none started within it — gets one, as
 * `access-review start` would give it. Only counts are logged: the sheets name people.
 */
import { resolve } from 'node:path';
import type { Logger } from '../collectors/types.ts';
import { readManifests } from '../collectors/access-review/collector.ts';
import type { SourceOf } from '../config/source-kinds.ts';
import type { Config } from '../config/types.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { SerialTimers } from '../jobs/timers.ts';
import { campaignSlot } from './schedule.ts';
import { startCampaign, type StartedCampaign } from './start.ts';

type Review = SourceOf<'access-review'>;

/** How soon to look again while the identity sources have not been collected (or a start failed). */
const RETRY_MS = 10 * 60_000;

export interface CampaignStarterDeps {
  config: Config;
  store: EvidenceStore;
  log: Logger;
  clock?: () => Date;
}

export class CampaignStarter {
  private readonly timers = new SerialTimers();

  constructor(private readonly deps: CampaignStarterDeps) {}

  private now(): Date {
    return (this.deps.clock ?? (() => new Date()))();
  }

  private sources(): Review[] {
    return this.deps.config.sources.filter((s): s is Review => s.kind === 'access-review' && s.enabled && (s as Review).autoStart);
  }

  start(): void {
    for (const s of this.sources()) this.schedule(s, 0);
  }

  async stop(): Promise<void> {
    await this.timers.stop();
  }

  /** Check the source now (after `waitMs`), then again at its next period's start. */
  private schedule(source: Review, waitMs: number): void {
    this.timers.set(source.id, waitMs, () => {
      this.timers.run(() => this.due(source, this.now())).then(
        (outcome) => {
          // Not yet collected: look again soon; otherwise at the next period's start.
          const next = outcome === 'waiting' ? this.now().getTime() + RETRY_MS : campaignSlot(this.now().getTime(), source.cadence, this.deps.config.organisation).endMs;
          this.schedule(source, Math.max(1000, next - this.now().getTime()));
        },
        (e: unknown) => {
          this.deps.log.error({ source: source.id, err: (e as Error).message }, 'access review could not be started');
          this.schedule(source, RETRY_MS);
        },
      );
    });
  }

  /**
   * Start the campaign of the period containing `at` unless the period has one (named for the
   * period, or started within it: `'exists'`), or an identity source it reviews has not been
   * collected by `at` (`'waiting'`: a campaign of no accounts would pass for a review done).
   */
  async due(source: Review, at: Date): Promise<StartedCampaign | 'exists' | 'waiting'> {
    const { config, store, log } = this.deps;
    const slot = campaignSlot(at.getTime(), source.cadence, config.organisation);
    const started = await readManifests(resolve(config.baseDir, source.outputDir));
    if (started.some((c) => c.campaign === slot.id || (Date.parse(c.startedAt) >= slot.startMs && Date.parse(c.startedAt) < slot.endMs))) return 'exists';
    const idps = source.accounts ?? config.sources.filter((s) => s.kind === 'idp').map((s) => s.id);
    for (const id of idps) {
      if (!(await store.observations(id)).some((iso) => Date.parse(iso) <= at.getTime())) return 'waiting';
    }
    const done = await startCampaign({ config, store, source, at });
    log.info({ source: source.id, campaign: done.campaign, accounts: done.written.accounts, sheets: done.written.sheets, deadline: done.deadlineText }, 'access review started on its schedule');
    return done;
  }
}
