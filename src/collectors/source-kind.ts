/**
 * A source kind is one descriptor in its own folder (`src/collectors/<kind>/source.ts`): its
 * config schema, the record kind it writes, whether each collection is a full snapshot or adds
 * facts, and how to load its collector — lazily, so `validate` and `--help` never import mail
 * parsers or the Elasticsearch client. `src/collectors/all.ts` lists the descriptors, one line
 * each; nothing else names a kind.
 */
import type { z } from 'zod';
import type { SourceKind } from '../config/source-kinds.ts';
import type { PerformanceSource } from '../evidence/performances.ts';
import type { RecordKind } from '../evidence/records.ts';
import type { Collector } from './types.ts';

export interface SourceKindDescriptor<K extends SourceKind = SourceKind> {
  kind: K;
  /** One line for `isms-kpi schema`, the README and error messages. */
  summary: string;
  /** The kind's config: a strict zod object with `kind: z.literal(kind)` and the common fields. */
  config: z.ZodType;
  /** The record kind its collections write. */
  records: RecordKind;
  /**
   * `snapshot`: each collection is a full export (a record missing from a newer export was
   * removed); `accumulating`: each collection adds facts, with checkpoints.
   */
  semantics: 'snapshot' | 'accumulating';
  /**
   * Optional: the kind's records are dated performances of a recurring activity, so that an
   * activity-cadence-rate objective can name a source of this kind in `from:` (see
   * src/evidence/performances.ts).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by the kind's own record
  performances?: PerformanceSource<any>;
  /**
   * Snapshot kinds whose records depend on nothing but the file at the source's `path` and the
   * config (not on the collection instant, nor on the store): a file byte-for-byte the one behind
   * the newest observation is recorded as an unchanged observation without being parsed
   * (src/jobs/unchanged-input.ts).
   */
  recordsFromFileOnly?: true;
  /** The collector, loaded on first use. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kind writes its own record kind
  load(): Promise<Collector<K, any>>;
}

export function defineSourceKind<K extends SourceKind>(d: SourceKindDescriptor<K>): SourceKindDescriptor<K> {
  return d;
}
