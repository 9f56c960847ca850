/** A CollectContext over a memory store for the mail tests, recording rejections. */
import { configSchema, type SourceOf } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import type { CollectContext } from '../../../src/collectors/types.ts';
import type { EvidenceStore, Rejection } from '../../../src/evidence/store.ts';

export function mailConfig(baseDir: string, pseudonymKey?: string): Config {
  const parsed = configSchema.parse({ organisation: { name: 'Example', timeZone: 'Asia/Tokyo', internalDomains: ['example.co.jp'] } });
  return { ...parsed, file: `${baseDir}/isms-kpi.yaml`, baseDir, dataDir: baseDir, env: { secrets: {}, ...(pseudonymKey ? { pseudonymKey } : {}) } };
}

export function mailContext(config: Config, store: EvidenceStore, observedAt = new Date('2026-11-25T00:00:00Z')): CollectContext & { rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  return { config, store, observedAt, rejections, reject: (r) => rejections.push(r), progress() {}, log: quiet };
}

export function mailSource(format: SourceOf<'mail-journal'>['format'], path: string, extra: Partial<SourceOf<'mail-journal'>> = {}): SourceOf<'mail-journal'> {
  return { id: 'journal', kind: 'mail-journal', format, path, maxMessageBytes: 50 * 1024 * 1024, ignorableExtensions: ['.ics', '.vcf'], shards: 1, pseudonymise: false, encoding: 'auto', enabled: true, ...extra };
}

/** All of a collector's facts, whether handed over as a list or streamed. */
export async function toArray<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}
