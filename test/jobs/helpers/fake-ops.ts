/**
 * A small accumulating "access log" collection with the real store semantics, used to test the
 * queue machinery with injected faults. Input: `<dir>/<source>.log`, one `day user ok|fail` per
 * line. Evidence: access-day facts keyed `user|day`, merged by adding counts, with the line offset
 * committed as a checkpoint in the same transaction (as real accumulating collectors do) — so
 * running a collection twice must not double-count, and would if the machinery ran it wrongly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShardSpec } from '../../../src/collectors/types.ts';
import { EvidenceInputError, TransientError } from '../../../src/errors.ts';
import type { AccessDayRecord, Keyed } from '../../../src/evidence/records.ts';
import type { EvidenceStore, RunRecord } from '../../../src/evidence/store.ts';
import type { JobOps } from '../../../src/jobs/bullmq/ops.ts';
import type { JobDeps, ShardResult } from '../../../src/jobs/run-collection.ts';

export interface FakeBehaviour {
  dir: string;
  /** Fail this many first attempts (per source) with a TransientError. */
  transientFailures?: number;
  /** The input file is unusable: EvidenceInputError. */
  badInput?: boolean;
  /** Split the unread lines into this many shards (a flow). */
  shards?: number;
  /** Block the event loop this long after reading (a CPU-bound parser): no lock is renewed meanwhile. */
  blockMs?: number;
  /** Pause before / after the evidence write (to kill or stop a worker there). */
  beforeWriteMs?: number;
  afterWriteMs?: number;
  /** This shard (index) is unreadable: EvidenceInputError. */
  badShard?: number;
  /** Time one shard takes, so several workers share a flow. */
  shardMs?: number;
  /** Called at each step, for tests and child processes to report progress. */
  onEvent?(e: { type: 'attempt' | 'written' | 'shard'; source: string; observedAt: string; at: number }): void;
}

type Tally = Map<string, AccessDayRecord>;

export function readLines(dir: string, source: string): string[] {
  return readFileSync(join(dir, `${source}.log`), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

function tally(lines: readonly string[]): Tally {
  const t: Tally = new Map();
  for (const line of lines) {
    const [day, user, result] = line.split(' ') as [string, string, string];
    const key = `${user}|${day}`;
    const r = t.get(key) ?? { account: user, day, successes: 0, failures: 0 };
    if (result === 'ok') r.successes++;
    else r.failures++;
    t.set(key, r);
  }
  return t;
}

const add = (a: AccessDayRecord, b: AccessDayRecord): AccessDayRecord => ({ ...a, successes: a.successes + b.successes, failures: a.failures + b.failures });

function mergeTallies(parts: readonly Tally[]): Tally {
  const out: Tally = new Map();
  for (const p of parts) for (const [k, v] of p) out.set(k, out.has(k) ? add(out.get(k)!, v) : { ...v });
  return out;
}

async function write(store: EvidenceStore, source: string, observedAt: Date, t: Tally, offset: number): Promise<void> {
  const facts: Keyed<'access-day'>[] = [...t].map(([key, data]) => ({ key, data }));
  await store.writeFacts({ source, kind: 'access-day', observedAt, facts, merge: add, checkpoints: { offset: String(offset) } });
}

async function record(store: EvidenceStore, source: string, observedAt: Date, accepted: number): Promise<RunRecord> {
  const now = new Date().toISOString();
  const run: RunRecord = { source, kind: 'access-day', startedAt: now, finishedAt: now, observedAt: observedAt.toISOString(), result: 'success', accepted, rejected: 0, rejections: [] };
  await store.recordRun(run);
  return run;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function fakeOps(b: FakeBehaviour): JobOps & { attempts: Map<string, number[]> } {
  const attempts = new Map<string, number[]>();
  const event = (type: 'attempt' | 'written' | 'shard', source: string, observedAt: Date) =>
    b.onEvent?.({ type, source, observedAt: observedAt.toISOString(), at: Date.now() });
  const begin = (source: string, observedAt: Date) => {
    const list = attempts.get(source) ?? [];
    list.push(Date.now());
    attempts.set(source, list);
    event('attempt', source, observedAt);
    if (b.badInput) throw new EvidenceInputError(`${source}.log`, 'missing column "user"');
    if (list.length <= (b.transientFailures ?? 0)) throw new TransientError(`connection reset while reading ${source} (attempt ${list.length})`);
  };
  return {
    attempts,
    async collect(deps: JobDeps, source: string, observedAt: Date) {
      begin(source, observedAt);
      const lines = readLines(b.dir, source);
      const from = Number((await deps.store.getCheckpoint(source, 'offset')) ?? 0);
      const t = tally(lines.slice(from));
      if (b.blockMs) for (const until = Date.now() + b.blockMs; Date.now() < until; );
      if (b.beforeWriteMs) await sleep(b.beforeWriteMs);
      await write(deps.store, source, observedAt, t, lines.length);
      event('written', source, observedAt);
      if (b.afterWriteMs) await sleep(b.afterWriteMs);
      return record(deps.store, source, observedAt, lines.length - from);
    },
    async plan(deps: JobDeps, source: string, observedAt: Date) {
      if (!b.shards || b.shards < 2) return undefined;
      begin(source, observedAt);
      const total = readLines(b.dir, source).length;
      const from = Number((await deps.store.getCheckpoint(source, 'offset')) ?? 0);
      const size = Math.ceil((total - from) / b.shards);
      const shards: ShardSpec[] = [];
      for (let i = 0; i < b.shards; i++) shards.push({ id: String(i), from: from + i * size, to: Math.min(total, from + (i + 1) * size), end: total });
      return shards;
    },
    async shard(_deps: JobDeps, source: string, shard: ShardSpec, observedAt: Date): Promise<ShardResult> {
      event('shard', source, observedAt);
      if (b.shardMs) await sleep(b.shardMs);
      if (b.badShard !== undefined && shard.id === String(b.badShard)) throw new EvidenceInputError(`${source}.log`, `truncated at line ${shard.from as number}`);
      const lines = readLines(b.dir, source).slice(shard.from as number, shard.to as number);
      return { partial: { entries: [...tally(lines)], end: shard.end, lines: lines.length }, rejected: 0, rejections: [] };
    },
    async finish(deps: JobDeps, source: string, results: ShardResult[], observedAt: Date) {
      const parts = results.map((r) => new Map((r.partial as { entries: [string, AccessDayRecord][] }).entries));
      const end = (results[0]?.partial as { end: number }).end;
      if (b.beforeWriteMs) await sleep(b.beforeWriteMs);
      await write(deps.store, source, observedAt, mergeTallies(parts), end);
      event('written', source, observedAt);
      if (b.afterWriteMs) await sleep(b.afterWriteMs);
      return record(deps.store, source, observedAt, results.reduce((n, r) => n + (r.partial as { lines: number }).lines, 0));
    },
    async evaluate() {
      return [];
    },
    async recordFailure(deps: JobDeps, source: string, observedAt: Date, error: string) {
      const now = new Date().toISOString();
      await deps.store.recordRun({ source, kind: 'access-day', startedAt: now, finishedAt: now, observedAt: observedAt.toISOString(), result: 'failure', accepted: 0, rejected: 0, rejections: [], error });
    },
  };
}

/** All access-day facts of a store, as `key → successes/failures`, sorted by key. */
export async function factsOf(store: EvidenceStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const f of store.readFacts('access-day', new Date('2100-01-01'))) out[`${f.source}/${f.key}`] = `${f.data.successes}/${f.data.failures}`;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
