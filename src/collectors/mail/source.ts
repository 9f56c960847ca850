/** The `mail-journal` source kind: journaled outbound mail. */
import { z } from 'zod';
import { commonSourceFields, pathField } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const mailSourceSchema = z.strictObject({
  ...commonSourceFields,
  kind: z.literal('mail-journal'),
  format: z.enum(['eml', 'maildir', 'mbox']),
  path: pathField,
  /** Messages above this size (bytes) are recorded as too large to inspect. */
  maxMessageBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
  /** Attachment types not counted, by extension. */
  ignorableExtensions: z.array(z.string()).default(['.ics', '.vcf']),
  shards: z.number().int().min(1).max(1024).default(1),
  /** Replace sender addresses by a keyed hash (key from ISMS_PSEUDONYM_KEY). */
  pseudonymise: z.boolean().default(false),
});
export type MailSourceConfig = z.output<typeof mailSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'mail-journal': MailSourceConfig;
  }
}

export const mailSourceKind = defineSourceKind({
  kind: 'mail-journal',
  summary: 'journaled outbound mail (.eml, Maildir, mbox): attachments and their encryption',
  config: mailSourceSchema,
  records: 'mail',
  semantics: 'accumulating',
  load: async () => (await import('./collector.ts')).mailCollector,
});
