/** A CollectContext for API collector tests: a config with secrets and objectives, counters, rejections. */
import { configSchema, type ConfigInput } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import type { CollectContext, Collector, RunCounter } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore, Rejection } from '../../../src/evidence/store.ts';
import type { Keyed, RecordKind } from '../../../src/evidence/records.ts';

export interface ApiTestContext {
  ctx: CollectContext;
  config: Config;
  rejections: Rejection[];
  counts: Record<RunCounter, number>;
  logs: string[];
}

export function apiContext(opts: {
  sources: ConfigInput['sources'];
  secrets?: Record<string, string>;
  objectives?: ConfigInput['objectives'];
  store?: EvidenceStore;
  observedAt?: Date;
  timeZone?: string;
}): ApiTestContext {
  const parsed = configSchema.parse({
    organisation: { name: 'Example', timeZone: opts.timeZone ?? 'Asia/Tokyo', internalDomains: ['example.co.jp'] },
    sources: opts.sources,
    objectives: opts.objectives ?? [],
  });
  const config: Config = { ...parsed, file: '/tmp/config.yaml', baseDir: '/tmp', dataDir: '/tmp/.isms-kpi', env: { secrets: opts.secrets ?? {} } };
  const rejections: Rejection[] = [];
  const counts: Record<RunCounter, number> = { apiRequests: 0, rateLimitWaitSeconds: 0 };
  const logs: string[] = [];
  const log = (o: object | string, m?: string) => logs.push(`${typeof o === 'string' ? o : JSON.stringify(o)} ${m ?? ''}`);
  const ctx: CollectContext = {
    config,
    observedAt: opts.observedAt ?? new Date('2026-11-19T00:00:00Z'),
    store: opts.store ?? createMemoryStore(),
    reject: (r) => rejections.push(r),
    progress: () => {},
    log: { info: log, warn: log, error: log, debug: log },
    count: (name, n) => {
      counts[name] += n;
    },
  };
  return { ctx, config, rejections, counts, logs };
}

export async function collectRecords<K extends RecordKind>(collector: Collector<never, K>, ctx: CollectContext, sourceIndex = 0): Promise<Keyed<K>[]> {
  const out = await collector.collect(ctx.config.sources[sourceIndex] as never, ctx);
  if (out.type !== 'snapshot') throw new Error('expected a snapshot');
  const records: Keyed<K>[] = [];
  for await (const r of out.records) records.push(r);
  return records;
}

/** A clock that only moves when the collector sleeps: waits are instant and exactly measurable. */
export function fakeClock(start = Date.parse('2026-11-19T00:00:00Z')) {
  const c = {
    t: start,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}
