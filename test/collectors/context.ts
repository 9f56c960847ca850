/** A minimal CollectContext for collector tests: a config, a stub store, collected rejections. */
import { configSchema, type ConfigInput, type SourceConfig, type SourceKind } from '../../src/config/schema.ts';
import type { Config } from '../../src/config/types.ts';
import type { CollectContext, Collector } from '../../src/collectors/types.ts';
import type { EvidenceStore, Rejection } from '../../src/evidence/store.ts';
import type { Keyed, RecordKind } from '../../src/evidence/records.ts';

export interface TestContext {
  ctx: CollectContext;
  rejections: Rejection[];
  config: Config;
}

/** Snapshot collectors never touch the store; any use is a bug the test should see. */
const stubStore = new Proxy({} as EvidenceStore, {
  get(_t, prop) {
    return () => {
      throw new Error(`the test store has no ${String(prop)}`);
    };
  },
});

export function testContext(opts: { baseDir: string; timeZone?: string; sources?: ConfigInput['sources'] }): TestContext {
  const parsed = configSchema.parse({
    organisation: { name: 'Example', timeZone: opts.timeZone ?? 'Asia/Tokyo', internalDomains: ['example.co.jp'] },
    sources: opts.sources ?? [],
  });
  const config: Config = { ...parsed, file: `${opts.baseDir}/config.yaml`, baseDir: opts.baseDir, dataDir: `${opts.baseDir}/.isms-kpi`, env: { secrets: {} } };
  const rejections: Rejection[] = [];
  const ctx: CollectContext = {
    config,
    observedAt: new Date('2026-07-31T00:00:00Z'),
    store: stubStore,
    reject: (r) => rejections.push(r),
    progress: () => {},
    log: { info() {}, warn() {}, error() {}, debug() {} },
  };
  return { ctx, rejections, config };
}

/** A source config of the given input, with the schema's defaults filled in. */
export function sourceOf<S extends SourceConfig>(input: Record<string, unknown>): S {
  const parsed = configSchema.parse({
    organisation: { name: 'Example', internalDomains: ['example.co.jp'] },
    sources: [{ id: 'src', ...input }],
  });
  return parsed.sources[0] as S;
}

/** Run a snapshot collector to the end. */
export async function collectAll<S extends SourceKind, K extends RecordKind>(collector: Collector<S, K>, source: SourceConfig, ctx: CollectContext): Promise<Keyed<K>[]> {
  const out = await collector.collect(source as never, ctx);
  if (out.type !== 'snapshot') throw new Error('expected a snapshot');
  const records: Keyed<K>[] = [];
  for await (const r of out.records) records.push(r);
  return records;
}
