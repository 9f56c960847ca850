/** The `access-log` source kind: authentication activity from log files. */
import { z } from 'zod';
import { commonSourceFields, pathField } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const accessLogSourceSchema = z.strictObject({
  ...commonSourceFields,
  kind: z.literal('access-log'),
  format: z.enum(['combined', 'common', 'vhost_combined', 'sshd', 'ecs-json']),
  /** Glob(s) of log files; rotated `.1`, `.2.gz` siblings are found by the glob. */
  paths: z.array(pathField).min(1),
  /** Split the files into this many shards for the queue's flow (1 = no split). */
  shards: z.number().int().min(1).max(1024).default(1),
});
export type AccessLogSourceConfig = z.output<typeof accessLogSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'access-log': AccessLogSourceConfig;
  }
}

export const accessLogSourceKind = defineSourceKind({
  kind: 'access-log',
  summary: 'access logs (nginx/Apache, sshd/PAM, ECS JSON lines): authentications per account and day',
  config: accessLogSourceSchema,
  records: 'access-day',
  semantics: 'accumulating',
  load: async () => (await import('./collector.ts')).accessLogCollector,
});
