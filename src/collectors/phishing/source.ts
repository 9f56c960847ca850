/**
 * The `phishing` source kind: phishing-drill campaign results (GoPhish), from an exported file
 * or pulled from GoPhish's API on a schedule (`gophish-api`: every campaign, see gophish-api.ts
 * for how that stays a snapshot).
 */
import { z } from 'zod';
import { commonSourceFields, isoDate, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { apiFields, baseUrlField, envName } from '../api/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

const common = { ...commonSourceFields, ...snapshotSourceFields, kind: z.literal('phishing') };

const fileSchema = z.strictObject({
  ...common,
  format: z.enum(['gophish-csv', 'gophish-json']),
  path: pathField,
  /** Campaign name when the file does not carry one (CSV). Default: the file name. */
  campaign: z.string().optional(),
  /** Launch time when the file does not carry one. */
  launchedAt: z.string().optional(),
});

const apiSchema = z.strictObject({
  ...common,
  format: z.literal('gophish-api'),
  /** The admin server, e.g. `https://gophish.example.co.jp:3333`. */
  baseUrl: baseUrlField,
  apiKeyEnv: envName.describe('Variable holding the GoPhish API key (Settings → API Key).'),
  /** Campaigns launched before this date are not read. */
  since: isoDate.optional(),
  ...apiFields,
});

export const phishingSourceSchema = z.discriminatedUnion('format', [fileSchema, apiSchema]);
export type PhishingSourceConfig = z.output<typeof phishingSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    phishing: PhishingSourceConfig;
  }
}

export const phishingSourceKind = defineSourceKind({
  kind: 'phishing',
  summary: 'phishing-drill results per recipient (GoPhish CSV, API JSON, or its API)',
  config: phishingSourceSchema,
  records: 'phishing',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).phishingCollector,
});
