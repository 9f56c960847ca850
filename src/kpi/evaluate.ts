/**
 * Evaluating objectives at an instant: load, as of T, only the evidence each KPI needs (from the
 * objective's sources), then run the KPI. Evidence observed after T is never read, so
 * evaluating a past instant again gives the answer one would have got then.
 */
import type { SourceKind } from '../config/schema.ts';
import type { Config } from '../config/types.ts';
import type { RecordKind, RecordKinds, Versioned } from '../evidence/records.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { IsmsError, UsageError } from '../errors.ts';
import { emptyBundle, type EvidenceBundle } from './bundle.ts';
import { canonicalLogin } from './identity.ts';
import { accessLastSuccessFromFacts } from './leaver-activity-count.ts';
import { KPI_REGISTRY, needsOf, type FactStream } from './registry.ts';
import type { KpiContext, KpiResult } from './types.ts';

/** Which evidence kind each source kind produces. */
export const RECORD_KIND_OF_SOURCE: Readonly<Record<SourceKind, RecordKind>> = {
  'hr-roster': 'person',
  idp: 'account',
  lms: 'completion',
  phishing: 'phishing',
  incidents: 'incident',
  'access-log': 'access-day',
  'access-log-elasticsearch': 'access-day',
  'mail-journal': 'mail',
};

export interface EvaluateOptions {
  /** Only these objective ids (default: all). An unknown id is a usage error. */
  objectives?: readonly string[];
}

type ConfigLike = Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives'>;

/** Evaluate the configured objectives at `at`, in config order. */
export async function evaluateObjectives(store: EvidenceStore, config: ConfigLike, at: Date, opts: EvaluateOptions = {}): Promise<KpiResult[]> {
  let objectives = config.objectives;
  if (opts.objectives) {
    const known = new Set(objectives.map((o) => o.id));
    const unknown = opts.objectives.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`unknown objective(s): ${unknown.join(', ')}`);
    const wanted = new Set(opts.objectives);
    objectives = objectives.filter((o) => wanted.has(o.id));
  }
  const leftStatuses: Record<string, readonly string[]> = {};
  for (const s of config.sources) if (s.kind === 'hr-roster') leftStatuses[s.id] = s.leftStatuses;

  const loader = new BundleLoader(store, config, at);
  const plans = objectives.map((objective) => {
    const def = KPI_REGISTRY.get(objective.kpi);
    if (!def) {
      throw new IsmsError('KPI_UNAVAILABLE', `objective ${objective.id}: KPI ${objective.kpi} is not available in this build`);
    }
    const ctx: KpiContext = { objective, organisation: config.organisation, identity: config.identity, at, leftStatuses };
    const sourcesOf = (kind: RecordKind): readonly string[] | undefined => sourcesFor(kind, objective.scope?.sources, config);
    const needs = needsOf(def, ctx);
    return { def, ctx, sourcesOf, needs, keys: needs.map((k) => cacheKey(k, sourcesOf(k))) };
  });
  const results: KpiResult[] = [];
  for (const [i, { def, ctx, sourcesOf, needs }] of plans.entries()) {
    // Keep only what this and the later objectives read: peak memory is one objective's
    // evidence plus what later ones share, not everything the register needs.
    loader.retain(new Set(plans.slice(i).flatMap((p) => p.keys)));
    const bundle = await loader.bundle(needs, sourcesOf);
    if (def.evaluate) {
      results.push(def.evaluate(bundle, ctx));
    } else {
      const facts: FactStream = { readFacts: (kind) => store.readFacts(kind, at, sourcesOf(kind)) };
      results.push(await def.evaluateStream!(bundle, facts, ctx));
    }
  }
  return results;
}

/**
 * The source ids feeding `kind` for an objective: those of `scope.sources` that produce this
 * kind, or every source (undefined) when the scope names none of this kind — so
 * `sources: [okta]` narrows the accounts without emptying the HR roster.
 */
export function sourcesFor(kind: RecordKind, scope: readonly string[] | undefined, config: Pick<Config, 'sources'>): readonly string[] | undefined {
  if (!scope || scope.length === 0) return undefined;
  const wanted = new Set(scope);
  const ids = config.sources.filter((s) => wanted.has(s.id) && RECORD_KIND_OF_SOURCE[s.kind] === kind).map((s) => s.id);
  return ids.length > 0 ? ids : undefined;
}

function cacheKey(kind: RecordKind, sources: readonly string[] | undefined): string {
  return `${kind}|${key(sources)}`;
}

/** Loads each (kind, sources) once per evaluation, so objectives share what they read. */
class BundleLoader {
  private readonly cache = new Map<string, Promise<unknown>>();

  /** Forget what no remaining objective reads. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.cache.keys()) if (!keys.has(k)) this.cache.delete(k);
  }

  constructor(
    private readonly store: EvidenceStore,
    private readonly config: ConfigLike,
    private readonly at: Date,
  ) {}

  async bundle(needs: readonly RecordKind[], sourcesOf: (kind: RecordKind) => readonly string[] | undefined): Promise<EvidenceBundle> {
    const b = emptyBundle();
    for (const kind of new Set(needs)) {
      const sources = sourcesOf(kind);
      switch (kind) {
        case 'person':
          b.people = await this.snapshot('person', sources);
          break;
        case 'account':
          b.accounts = await this.snapshot('account', sources);
          break;
        case 'completion':
          b.completions = currentOf(await this.snapshot('completion', sources));
          break;
        case 'phishing':
          b.phishing = currentOf(await this.snapshot('phishing', sources));
          break;
        case 'incident':
          b.incidents = currentOf(await this.snapshot('incident', sources));
          break;
        case 'access-day':
          b.accessLastSuccess = await this.memo(cacheKey('access-day', sources), () => this.lastSuccess(sources));
          break;
        case 'mail':
          break; // streamed by the KPI itself
      }
    }
    return b;
  }

  private snapshot<K extends RecordKind>(kind: K, sources: readonly string[] | undefined): Promise<Versioned<RecordKinds[K]>[]> {
    return this.memo(cacheKey(kind, sources), async () => {
      const out: Versioned<RecordKinds[K]>[] = [];
      for await (const batch of this.store.readSnapshotBatches(kind, this.at, sources)) for (const v of batch) out.push(v);
      return out;
    });
  }

  private lastSuccess(sources: readonly string[] | undefined): Promise<Map<string, string>> {
    const canonical = (login: string) => canonicalLogin(login, this.config.identity, this.config.organisation);
    return accessLastSuccessFromFacts(this.store.readFacts('access-day', this.at, sources), canonical, this.at.getTime());
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

function currentOf<T>(vs: readonly Versioned<T>[]): T[] {
  const out: T[] = [];
  for (const v of vs) if (v.current !== null) out.push(v.current);
  return out;
}
