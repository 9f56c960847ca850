/**
 * Pieces of `store check` and `store prune` that both stores share: the tables, the per-source
 * counts assembled from a few GROUP BY queries, and the logical checks (the same SQL runs on
 * SQLite and PostgreSQL).
 */
import type { SourceCounts } from './maintenance.ts';
import { VERSION_TABLE } from './migrations.ts';

export const STORE_TABLES = ['observations', 'versions', 'facts', 'checkpoints', 'runs', 'merge_revisions', 'cache', VERSION_TABLE] as const;


export const COUNT_QUERIES = {
  observations: 'SELECT source, kind, COUNT(*) AS n, MAX(at) AS last FROM observations GROUP BY source, kind',
  versions: 'SELECT source, COUNT(*) AS n FROM versions GROUP BY source',
  facts: 'SELECT source, kind, COUNT(*) AS n, MAX(at) AS last FROM facts GROUP BY source, kind',
  runs: 'SELECT source, COUNT(*) AS n FROM runs GROUP BY source',
} as const;

/** Each query returns one row with `n`: the number of rows breaking the rule. */
export const LOGICAL_CHECKS: readonly { rule: string; sql: string }[] = [
  {
    rule: 'snapshot versions without the observation they belong to',
    sql: 'SELECT COUNT(*) AS n FROM versions v WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.source = v.source AND o.at = v.at)',
  },
  {
    rule: 'observations of a source under two record kinds',
    sql: 'SELECT COUNT(*) AS n FROM (SELECT source FROM observations GROUP BY source HAVING COUNT(DISTINCT kind) > 1) x',
  },
];

export const KINDS_QUERY = 'SELECT DISTINCT kind FROM observations UNION SELECT DISTINCT kind FROM facts';

/** The record kinds found that no source kind of this build writes (none checked without `known`). */
export function unknownKinds(kinds: readonly string[], known: readonly string[] | undefined): string[] {
  if (!known) return [];
  const k = new Set(known);
  return kinds.filter((x) => !k.has(x));
}

type Row = { source: string; kind?: string; n: number | string; last?: number | string | null };

/** The per-source counts from the rows of COUNT_QUERIES. */
export function sourceCounts(rows: { observations: Row[]; versions: Row[]; facts: Row[]; runs: Row[] }): SourceCounts[] {
  const out = new Map<string, SourceCounts>();
  const get = (source: string, kind = '') => {
    let c = out.get(source);
    if (!c) out.set(source, (c = { source, kind, observations: 0, versions: 0, facts: 0, runs: 0 }));
    if (!c.kind && kind) c.kind = kind;
    return c;
  };
  const later = (c: SourceCounts, last: number | string | null | undefined) => {
    if (last === null || last === undefined) return;
    const iso = new Date(Number(last)).toISOString();
    if (!c.lastObservedAt || iso > c.lastObservedAt) c.lastObservedAt = iso;
  };
  for (const r of rows.observations) {
    const c = get(r.source, r.kind);
    c.observations += Number(r.n);
    later(c, r.last);
  }
  for (const r of rows.versions) get(r.source).versions += Number(r.n);
  for (const r of rows.facts) {
    const c = get(r.source, r.kind);
    c.facts += Number(r.n);
    later(c, r.last);
  }
  for (const r of rows.runs) get(r.source).runs += Number(r.n);
  return [...out.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
