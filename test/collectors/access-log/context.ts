/** A CollectContext over a memory store for the access-log tests, recording rejections. */
import { configSchema, type SourceOf } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import type { CollectContext } from '../../../src/collectors/types.ts';
import type { EvidenceStore, Rejection } from '../../../src/evidence/store.ts';

export function testConfig(baseDir: string, timeZone = 'Asia/Tokyo'): Config {
  const parsed = configSchema.parse({ organisation: { name: 'Example', timeZone, internalDomains: ['example.co.jp'] } });
  return { ...parsed, file: `${baseDir}/isms-kpi.yaml`, baseDir, dataDir: baseDir, env: { secrets: {} } };
}

export function testContext(config: Config, store: EvidenceStore, observedAt: Date): CollectContext & { rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  return { config, store, observedAt, rejections, reject: (r) => rejections.push(r), progress() {}, log: quiet };
}

export function logSource(paths: string[], format: SourceOf<'access-log'>['format'], extra: Partial<SourceOf<'access-log'>> = {}): SourceOf<'access-log'> {
  return { id: 'web', kind: 'access-log', format, paths, shards: 1, encoding: 'auto', enabled: true, ...extra };
}
