/**
 * Trend points: an objective evaluated, exactly, at the end of each month (evaluateObjectives
 * at that instant, so a backfilled installation has its history at once). Points are cached in
 * the evidence store under a key made of the objective's definition (its config and what
 * evaluation reads besides: organisation, identity rules, HR leave statuses), the instant, and
 * the evidence stamp of every source the objective reads as of that instant. A changed
 * objective or late evidence (a backfill, a merged shard) changes the key of just the points it
 * affects; everything else is read back from the cache.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Config, ObjectiveConfig } from '../config/types.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { canonicalJson } from '../evidence/versioning.ts';
import { evaluateObjectives } from '../kpi/evaluate.ts';
import { objectiveSources } from '../kpi/objective-sources.ts';
import type { Direction, KpiResult, Period, Status } from '../kpi/types.ts';
import { historyView } from './history-view.ts';

/**
 * Part of every key: the point's shape (bump on a change of TrendPoint) and the program's
 * version, so an upgrade that corrects a KPI recomputes the points instead of showing old ones.
 */
export const TREND_CACHE_VERSION = `1/${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}`;
export const TREND_NAMESPACE = 'trend';

export interface TrendPoint {
  /** The instant evaluated (ISO, UTC). */
  at: string;
  value: number | null;
  numerator: number;
  denominator: number;
  status: Status;
  target: number;
  direction: Direction;
  warning?: number;
  period: Period;
  /** How many subjects failed at that instant. */
  failing: number;
}

type ConfigLike = Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives' | 'sourceRecordKinds'>;

export function pointOf(r: KpiResult): TrendPoint {
  const p: TrendPoint = {
    at: r.evaluatedAt,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    status: r.status,
    target: r.target,
    direction: r.direction,
    period: r.period,
    failing: r.failing.length,
  };
  if (r.warning !== undefined) p.warning = r.warning;
  return p;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What an objective's points depend on in the config (not its title or owner). */
export function definitionHash(objective: ObjectiveConfig, config: ConfigLike): string {
  const leftStatuses: Record<string, unknown> = {};
  for (const s of config.sources) if (s.kind === 'hr-roster') leftStatuses[s.id] = (s as { leftStatuses?: unknown }).leftStatuses ?? null;
  const { title: _t, description: _d, owner: _o, deadline: _dl, controls: _c, alerts: _a, measurement: _m, ...evaluated } = objective;
  return sha256(canonicalJson({ v: TREND_CACHE_VERSION, objective: evaluated, organisation: config.organisation, identity: config.identity, leftStatuses }));
}

export interface TrendStats {
  /** Points read back from the cache. */
  cached: number;
  /** Points evaluated (and written to the cache). */
  computed: number;
  /** Instants at which evaluateObjectives ran. */
  evaluations: number;
}

export interface TrendsOptions {
  /**
   * A token that changes whenever the evidence may have changed (`run` uses the newest
   * collection run: every write of evidence is followed by one). While it stays the same, a
   * series asked for again is answered from memory without reading the stamps again.
   */
  generation?: () => Promise<string>;
}

export class Trends {
  private chain: Promise<unknown> = Promise.resolve();
  private memo = new Map<string, Map<string, TrendPoint[]>>();
  private memoGeneration: string | undefined;
  /** Totals since construction (for the benchmark and tests). */
  readonly stats: TrendStats = { cached: 0, computed: 0, evaluations: 0 };

  constructor(
    private readonly store: EvidenceStore,
    private readonly config: ConfigLike,
    private readonly opts: TrendsOptions = {},
  ) {}

  /**
   * Points of each objective (default: all) at each instant, oldest first. Calls run one at a
   * time, so two pages asking at once compute a missing point once. The caller may change the
   * arrays it gets (they are copies).
   */
  series(instants: readonly Date[], objectiveIds?: readonly string[]): Promise<Map<string, TrendPoint[]>> {
    const next = this.chain.then(() => this.remembered(instants, objectiveIds));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async remembered(instants: readonly Date[], objectiveIds?: readonly string[]): Promise<Map<string, TrendPoint[]>> {
    if (!this.opts.generation) return this.compute(instants, objectiveIds);
    const generation = await this.opts.generation();
    if (generation !== this.memoGeneration) {
      this.memo.clear();
      this.memoGeneration = generation;
    }
    const key = `${instants.map((d) => d.getTime()).join(',')}|${objectiveIds?.join(',') ?? '*'}`;
    let hit = this.memo.get(key);
    if (!hit) {
      hit = await this.compute(instants, objectiveIds);
      if (this.memo.size > 50) this.memo.clear();
      this.memo.set(key, hit);
    }
    return new Map([...hit].map(([id, points]) => [id, [...points]]));
  }

  private async compute(instants: readonly Date[], objectiveIds?: readonly string[]): Promise<Map<string, TrendPoint[]>> {
    const wanted = objectiveIds ? new Set(objectiveIds) : undefined;
    const objectives = this.config.objectives.filter((o) => !wanted || wanted.has(o.id));
    const storeSources = new Map<string, Promise<readonly string[]>>();
    const sourcesOf = (kind: string) => {
      let p = storeSources.get(kind);
      if (!p) storeSources.set(kind, (p = this.store.snapshotSources(kind as never)));
      return p;
    };
    const stamps = new Map<string, Promise<string>>();
    const stamp = (source: string, at: Date) => {
      const k = `${source}\u0000${at.getTime()}`;
      let p = stamps.get(k);
      if (!p) stamps.set(k, (p = this.store.evidenceStamp(source, at)));
      return p;
    };

    const out = new Map<string, TrendPoint[]>();
    const missing = new Map<number, { objective: string; key: string; slot: number }[]>();
    for (const o of objectives) {
      const def = definitionHash(o, this.config);
      const sources = await objectiveSources(o, this.config, sourcesOf);
      const points: TrendPoint[] = new Array(instants.length);
      out.set(o.id, points);
      for (const [slot, at] of instants.entries()) {
        const parts = await Promise.all(sources.map(async (s) => `${s}=${await stamp(s, at)}`));
        const key = sha256(`${def}\n${at.toISOString()}\n${parts.join('\n')}`);
        const hit = await this.store.cacheGet(TREND_NAMESPACE, key);
        if (hit !== undefined) {
          points[slot] = JSON.parse(hit) as TrendPoint;
          this.stats.cached++;
          continue;
        }
        let list = missing.get(at.getTime());
        if (!list) missing.set(at.getTime(), (list = []));
        list.push({ objective: o.id, key, slot });
      }
    }
    if (missing.size === 0) return out;

    // Every missing instant reads from one history read as of the latest of them.
    const times = [...missing.keys()].sort((a, b) => a - b);
    const view = historyView(this.store, new Date(times[times.length - 1]!));
    for (const t of times) {
      const todo = missing.get(t)!;
      const results = await evaluateObjectives(view, this.config, new Date(t), { objectives: todo.map((m) => m.objective) });
      this.stats.evaluations++;
      const byId = new Map(results.map((r) => [r.objective, r]));
      for (const m of todo) {
        const point = pointOf(byId.get(m.objective)!);
        out.get(m.objective)![m.slot] = point;
        await this.store.cachePut(TREND_NAMESPACE, m.key, JSON.stringify(point));
        this.stats.computed++;
      }
    }
    return out;
  }
}

/** A generation token for {@link TrendsOptions.generation}: the newest collection run in the store. */
export function newestRunToken(store: EvidenceStore): () => Promise<string> {
  return async () => {
    const [r] = await store.runs({ limit: 1 });
    return r ? `${r.source}|${r.startedAt}|${r.finishedAt}|${r.result}|${r.observedAt}` : '';
  };
}
