/** The `access-log-elasticsearch` source kind: authentication events in ECS indices. */
import { z } from 'zod';
import { commonSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const elasticsearchSourceSchema = z.strictObject({
  ...commonSourceFields,
  kind: z.literal('access-log-elasticsearch'),
  /** Index pattern, e.g. `filebeat-*,winlogbeat-*`. */
  index: z.string().min(1),
  /** Environment variable holding the cluster URL. */
  urlEnv: z.string().default('ELASTICSEARCH_URL'),
  apiKeyEnv: z.string().optional(),
  usernameEnv: z.string().optional(),
  passwordEnv: z.string().optional(),
  caFileEnv: z.string().optional(),
  /** How far back the first collection reads, in days. */
  lookbackDays: z.number().int().min(1).max(3660).default(400),
  pageSize: z.number().int().min(1).max(10000).default(1000),
  /** Split the interval read into this many time slices for the queue's flow (1 = no split). */
  shards: z.number().int().min(1).max(1024).default(1),
});
export type ElasticsearchSourceConfig = z.output<typeof elasticsearchSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'access-log-elasticsearch': ElasticsearchSourceConfig;
  }
}

export const elasticsearchSourceKind = defineSourceKind({
  kind: 'access-log-elasticsearch',
  summary: 'authentication events in Elasticsearch (ECS: Filebeat, Winlogbeat)',
  config: elasticsearchSourceSchema,
  records: 'access-day',
  semantics: 'accumulating',
  load: async () => (await import('./collector.ts')).elasticsearchAccessLogCollector,
});
