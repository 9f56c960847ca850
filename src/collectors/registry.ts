/**
 * Source kind → collector. The one place the job layer looks collectors up; a new kind is one
 * import and one line here.
 */
import type { SourceKind } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { hrCollector } from './hr/collector.ts';
import { idpCollector } from './idp/collector.ts';
import { incidentsCollector } from './incidents/collector.ts';
import { lmsCollector } from './lms/collector.ts';
import { phishingCollector } from './phishing/collector.ts';
import { accessLogCollector } from './access-log/collector.ts';
import { elasticsearchAccessLogCollector } from './access-log-elasticsearch/collector.ts';
import { mailCollector } from './mail/collector.ts';
import type { Collector } from './types.ts';
// Accumulating collectors (access logs, Elasticsearch, mail journal) register below.

/** Collectors by the source kind they read. Kinds without an entry cannot be collected yet. */
export const collectors: Partial<Record<SourceKind, Collector>> = {
  'hr-roster': hrCollector as Collector,
  idp: idpCollector as Collector,
  lms: lmsCollector as Collector,
  phishing: phishingCollector as Collector,
  incidents: incidentsCollector as Collector,
  'access-log': accessLogCollector as Collector,
  'access-log-elasticsearch': elasticsearchAccessLogCollector as Collector,
  'mail-journal': mailCollector as Collector,
  // 'access-log': …, 'access-log-elasticsearch': …, 'mail-journal': … (one line each)
};

/** The collector of a source kind; a clear error for a kind nothing collects yet. */
export function getCollector(kind: SourceKind): Collector {
  const c = collectors[kind];
  if (!c) {
    throw new UsageError(`no collector for source kind "${kind}" (available: ${Object.keys(collectors).join(', ')})`);
  }
  return c;
}
