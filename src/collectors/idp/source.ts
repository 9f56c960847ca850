/** The `idp` source kind: the identity provider's users, exported to a file. */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const idpSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('idp'),
  format: z.enum(['okta-json', 'entra-csv', 'entra-json', 'google-csv', 'google-json', 'keycloak-json', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type IdpSourceConfig = z.output<typeof idpSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    idp: IdpSourceConfig;
  }
}

export const idpSourceKind = defineSourceKind({
  kind: 'idp',
  summary: 'identity provider users (Okta, Entra ID, Google Workspace, Keycloak, generic CSV)',
  config: idpSourceSchema,
  records: 'account',
  semantics: 'snapshot',
  load: async () => (await import('./collector.ts')).idpCollector,
});
