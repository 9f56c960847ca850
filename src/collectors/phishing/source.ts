/** The `phishing` source kind: phishing-drill campaign results (GoPhish). */
import { z } from 'zod';
import { commonSourceFields, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const phishingSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('phishing'),
  format: z.enum(['gophish-csv', 'gophish-json']),
  path: pathField,
  /** Campaign name when the file does not carry one (CSV). Default: the file name. */
  campaign: z.string().optional(),
  /** Launch time when the file does not carry one. */
  launchedAt: z.string().optional(),
});
export type PhishingSourceConfig = z.output<typeof phishingSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    phishing: PhishingSourceConfig;
  }
}

export const phishingSourceKind = defineSourceKind({
  kind: 'phishing',
  summary: 'phishing-drill results per recipient (GoPhish CSV or API JSON)',
  config: phishingSourceSchema,
  records: 'phishing',
  semantics: 'snapshot',
  load: async () => (await import('./collector.ts')).phishingCollector,
});
