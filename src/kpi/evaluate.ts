/**
 * Evaluating objectives at an instant: load, as of T, only the evidence each KPI needs (from the
 * objective's sources), then run the KPI. Evidence observed after T is never read, so
 * evaluating a past instant again gives the answer one would have got then.
 */
import type { Config } from '../config/types.ts';
import type { RecordKind, RecordKinds, Versioned } from '../evidence/records.ts';
import type { Performance } from '../evidence/performances.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { IsmsError, UsageError } from '../errors.ts';
import { didYouMean } from '../did-you-mean.ts';
import { emptyBundle, withNamedFields, type EvidenceBundle } from './bundle.ts';
import { canonicalLogin } from './identity.ts';
import { accessLastSuccessFromFacts } from './leaver-activity-count.ts';
import { KPI_REGISTRY, readsOf, unknownKpiMessage, type EvidenceRead, type FactStream, type KpiDefinition } from './registry.ts';
import type { KpiContext, KpiResult } from './types.ts';

export interface EvaluateOptions {
  /** Only these objective ids (default: all). An unknown id is a usage error. */
  objectives?: readonly string[];
}

type ConfigLike = Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives' | 'sourceRecordKinds'> & Partial<Pick<Config, 'sourcePerformances'>>;

/** Evaluate the configured objectives at `at`, in config order. */
export async function evaluateObjectives(store: EvidenceStore, config: ConfigLike, at: Date, opts: EvaluateOptions = {}): Promise<KpiResult[]> {
  let objectives = config.objectives;
  if (opts.objectives) {
    const known = new Set(objectives.map((o) => o.id));
    const unknown = opts.objectives.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(unknown.map((id) => `unknown objective "${id}"${didYouMean(id, known)}`).join('; '));
    const wanted = new Set(opts.objectives);
    objectives = objectives.filter((o) => wanted.has(o.id));
  }
  const leftStatuses: Record<string, readonly string[]> = {};
  for (const s of config.sources) if (s.kind === 'hr-roster') leftStatuses[s.id] = (s as { leftStatuses: string[] }).leftStatuses;

  const loader = new BundleLoader(store, config, at);
  const performances = (sourceId: string) => readPerformances(store, config, sourceId, at);
  const plans = objectives.map((objective): Plan => {
    const def = KPI_REGISTRY.get(objective.kpi);
    if (!def) {
      throw new IsmsError('KPI_UNAVAILABLE', `objective ${objective.id}: ${unknownKpiMessage(objective.kpi)}`);
    }
    const ctx: KpiContext = { objective, organisation: config.organisation, identity: config.identity, at, leftStatuses };
    const sourcesOf = (kind: RecordKind): readonly string[] | undefined => sourcesFor(kind, objective.scope?.sources, config);
    return { def, ctx, sourcesOf, reads: readsOf(def, ctx) };
  });
  // What each objective reads, named per source (`account|okta`): two objectives reading the
  // same source share it even when their scopes differ elsewhere.
  const keysOf = await Promise.all(plans.map((p) => loader.keys(p.reads, p.sourcesOf)));
  const results: KpiResult[] = new Array(plans.length);
  const order = evaluationOrder(keysOf);
  for (const [n, i] of order.entries()) {
    // Keep only what this and the later objectives read: peak memory is one objective's
    // evidence plus what later ones share, not everything the register needs.
    loader.retain(new Set(order.slice(n).flatMap((j) => keysOf[j]!)));
    results[i] = await evaluateOne(loader, store, plans[i]!, at, performances);
  }
  return results;
}

/**
 * One objective, in a call of its own: its bundle is unreachable once the call returns (a
 * local of the loop above would stay alive while the next objective's evidence is read).
 */
async function evaluateOne(loader: BundleLoader, store: EvidenceStore, plan: Plan, at: Date, performances: FactStream['performances']): Promise<KpiResult> {
  const { def, ctx, sourcesOf, reads } = plan;
  const bundle = await loader.bundle(reads, sourcesOf);
  if (def.evaluate) return def.evaluate(bundle, ctx);
  const facts: FactStream = { readFacts: (kind) => store.readFacts(kind, at, sourcesOf(kind)), performances };
  return def.evaluateStream!(bundle, facts, ctx);
}

/**
 * One source's dated records as performances, as of T (FactStream.performances): its facts or
 * its snapshot records present at T, each dated by its kind's `performances` (from the source
 * kind's descriptor, through the config). Nothing for a source that offers none.
 */
async function* readPerformances(store: EvidenceStore, config: ConfigLike, sourceId: string, at: Date): AsyncGenerator<Performance> {
  const how = config.sourcePerformances?.[sourceId];
  const kind = config.sourceRecordKinds[sourceId];
  if (!how || !kind) return;
  if (how.read === 'facts') {
    for await (const row of store.readFacts(kind, at, [sourceId])) {
      const p = how.performance(row.data);
      if (p) yield p;
    }
    return;
  }
  for await (const batch of store.readSnapshotBatches(kind, at, [sourceId])) {
    for (const v of batch) {
      const p = v.current === null ? undefined : how.performance(v.current);
      if (p) yield p;
    }
  }
}

interface Plan {
  def: KpiDefinition;
  ctx: KpiContext;
  sourcesOf: (kind: RecordKind) => readonly string[] | undefined;
  reads: readonly EvidenceRead[];
}

/**
 * The order to evaluate objectives in (indexes into `needs`, one list of evidence keys per
 * objective): the first objective, then always the one sharing the most evidence with what is
 * loaded (ties in config order). Objectives reading the same evidence then run one after the
 * other, so it is dropped sooner: with the example register, accounts are read once for the
 * stale-account and MFA objectives and released before the training and phishing evidence is
 * loaded. The results are still reported in config order.
 */
export function evaluationOrder(needs: readonly (readonly string[])[]): number[] {
  const left = new Set(needs.map((_, i) => i));
  const order: number[] = [];
  let loaded = new Set<string>();
  while (left.size > 0) {
    let best = -1;
    let bestShared = -1;
    for (const i of left) {
      const shared = needs[i]!.filter((k) => loaded.has(k)).length;
      if (shared > bestShared) [best, bestShared] = [i, shared];
    }
    left.delete(best);
    order.push(best);
    // What stays loaded: what was, plus this objective's, less what no remaining one reads.
    const still = new Set([...left].flatMap((i) => needs[i]!));
    loaded = new Set([...loaded, ...needs[best]!].filter((k) => still.has(k)));
  }
  return order;
}

/**
 * The source ids feeding `kind` for an objective: those of `scope.sources` that produce this
 * kind, or every source (undefined) when the scope names none of this kind — so
 * `sources: [okta]` narrows the accounts without emptying the HR roster.
 */
export function sourcesFor(kind: RecordKind, scope: readonly string[] | undefined, config: Pick<Config, 'sources' | 'sourceRecordKinds'>): readonly string[] | undefined {
  if (!scope || scope.length === 0) return undefined;
  const wanted = new Set(scope);
  const ids = config.sources.filter((s) => wanted.has(s.id) && config.sourceRecordKinds[s.id] === kind).map((s) => s.id);
  return ids.length > 0 ? ids : undefined;
}

function cacheKey(kind: string, sources: readonly string[] | undefined): string {
  return `${kind}|${key(sources)}`;
}

/**
 * Loads each source's snapshot of a kind once per evaluation, so objectives share what they
 * read; a kind read from several sources is the concatenation of its sources' parts, in source
 * order (as the store yields them).
 */
class BundleLoader {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly storeSources = new Map<RecordKind, Promise<string[]>>();
  private readonly joins = new WeakMap<object, Map<string, unknown[]>>();
  private readonly observed = new Map<string, Promise<boolean>>();
  private readonly collected = new Map<string, Promise<number | undefined>>();

  constructor(
    private readonly store: EvidenceStore,
    private readonly config: ConfigLike,
    private readonly at: Date,
  ) {}

  /** Forget what no remaining objective reads. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.cache.keys()) if (!keys.has(k)) this.cache.delete(k);
  }

  /** The cache keys an objective's evidence is made of (streamed facts are not cached). */
  async keys(reads: readonly EvidenceRead[], sourcesOf: (kind: RecordKind) => readonly string[] | undefined): Promise<string[]> {
    const out: string[] = [];
    for (const r of reads) {
      if (r.as === 'facts') continue;
      if (r.as === 'last-success') out.push(cacheKey(`${r.kind}:last-success`, sourcesOf(r.kind)));
      else for (const s of await this.sources(r.kind, sourcesOf(r.kind))) out.push(`${cacheKey(r.kind, [s])}|${r.as}`);
    }
    return out;
  }

  async bundle(reads: readonly EvidenceRead[], sourcesOf: (kind: RecordKind) => readonly string[] | undefined): Promise<EvidenceBundle> {
    const b = emptyBundle();
    b.observed = {};
    for (const r of reads) {
      const sources = sourcesOf(r.kind);
      if (r.as === 'history' || r.as === 'current') {
        (b[r.as] as Record<string, unknown>)[r.kind] = await this.perSource(r.kind, sources, r.as);
        b.observed[r.kind] = await this.observedSources(r.kind, sources);
      } else if (r.as === 'last-success') {
        b.accessLastSuccess = await this.memo(cacheKey(`${r.kind}:last-success`, sources), () => this.lastSuccess(r.kind, sources));
      }
      else if (r.as === 'facts') {
        const at = await this.newestCollection(r.kind, sources);
        if (at !== undefined) (b.collectedAt ??= {})[r.kind] = at;
      }
      // the facts themselves are streamed by the KPI
    }
    return withNamedFields(b);
  }

  /** The sources to read: the objective's, or every source holding the kind in the store. */
  private async sources(kind: RecordKind, wanted: readonly string[] | undefined): Promise<readonly string[]> {
    if (wanted) return [...wanted].sort();
    let p = this.storeSources.get(kind);
    if (!p) this.storeSources.set(kind, (p = this.store.snapshotSources(kind)));
    return p;
  }

  /** Records of a kind as of T, with their history or only those present at T. */
  private async perSource<K extends RecordKind>(kind: K, wanted: readonly string[] | undefined, as: 'history' | 'current'): Promise<unknown[]> {
    type T = unknown;
    const pick = as === 'history' ? (v: Versioned<RecordKinds[K]>) => v : (v: Versioned<RecordKinds[K]>) => v.current;
    const sources = await this.sources(kind, wanted);
    const parts: T[][] = [];
    for (const source of sources) {
      parts.push(
        await this.memo(`${cacheKey(kind, [source])}|${as}`, async () => {
          const out: T[] = [];
          for await (const batch of this.store.readSnapshotBatches(kind, this.at, [source])) {
            for (const v of batch) {
              const x = pick(v);
              if (x !== null) out.push(x);
            }
          }
          return out;
        }),
      );
    }
    if (parts.length <= 1) return parts[0] ?? [];
    // The same parts give the same array, so what KPIs derive from it (the identity index over
    // HR records) is shared by the objectives reading these sources. Keyed by the first part: a
    // part dropped by retain() is never read again in this evaluation, so no stale join survives.
    let joins = this.joins.get(parts[0]!);
    if (!joins) this.joins.set(parts[0]!, (joins = new Map()));
    const sig = sources.join('\u0000');
    let joined = joins.get(sig) as T[] | undefined;
    if (!joined) joins.set(sig, (joined = parts.flat()));
    return joined;
  }

  /** How many of the sources of a kind had an observation at or before T. */
  private async observedSources(kind: RecordKind, wanted: readonly string[] | undefined): Promise<number> {
    let n = 0;
    for (const source of await this.sources(kind, wanted)) if (await this.observedByT(source)) n++;
    return n;
  }

  /**
   * The newest instant ≤ T that a run of one of the configured sources of an accumulating kind
   * wrote evidence as of (EvidenceBundle.collectedAt), or undefined when none had by T.
   */
  private async newestCollection(kind: RecordKind, wanted: readonly string[] | undefined): Promise<number | undefined> {
    const ids = wanted ?? this.config.sources.filter((s) => this.config.sourceRecordKinds[s.id] === kind).map((s) => s.id);
    let newest: number | undefined;
    for (const source of ids) {
      const at = await this.collectedByT(source);
      if (at !== undefined && (newest === undefined || at > newest)) newest = at;
    }
    return newest;
  }

  private collectedByT(source: string): Promise<number | undefined> {
    let p = this.collected.get(source);
    if (!p) this.collected.set(source, (p = this.store.newestRunObservedAt(source, this.at).then((iso) => (iso === undefined ? undefined : Date.parse(iso)))));
    return p;
  }

  /** Whether a source had been observed by T; asked of the store once per source (kept apart from the evidence cache, which retain() empties). */
  private observedByT(source: string): Promise<boolean> {
    let p = this.observed.get(source);
    if (!p) {
      p = this.store.observations(source).then((list) => list.some((iso) => Date.parse(iso) <= this.at.getTime()));
      this.observed.set(source, p);
    }
    return p;
  }

  private lastSuccess(kind: RecordKind, sources: readonly string[] | undefined): Promise<Map<string, string>> {
    const canonical = (login: string) => canonicalLogin(login, this.config.identity, this.config.organisation);
    return accessLastSuccessFromFacts(this.store.readFacts(kind as 'access-day', this.at, sources), canonical, this.at.getTime(), this.config.organisation.timeZone);
  }

  private memo<T>(k: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(k) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.cache.set(k, p);
    }
    return p;
  }
}

function key(sources: readonly string[] | undefined): string {
  return sources ? [...sources].sort().join(',') : '*';
}
