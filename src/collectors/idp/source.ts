/**
 * The `idp` source kind: the identity provider's users, from an exported file or pulled from
 * its API on a schedule. The formats are told apart by `format`: a file format needs `path`, an
 * API format needs its base URL and the variables that hold its credentials, and neither takes
 * the other's fields (the config stays strict).
 */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { apiFields, baseUrlField, envName, mfaField } from '../api/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

const common = { ...commonSourceFields, ...snapshotSourceFields, kind: z.literal('idp') };

const fileSchema = z.strictObject({
  ...common,
  format: z.enum(['okta-json', 'entra-csv', 'entra-json', 'google-csv', 'google-json', 'keycloak-json', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});

/** OAuth 2.0 client credentials: the client id, and a secret or a private key for a signed assertion. */
const clientFields = {
  clientIdEnv: envName.optional().describe('Variable holding the OAuth client id.'),
  clientSecretEnv: envName.optional().describe('Variable holding the OAuth client secret.'),
  privateKeyFileEnv: envName.optional().describe('Variable holding the path of a PEM private key (private_key_jwt client assertion).'),
  keyId: z.string().optional().describe('`kid` of the private key as registered with the client (Okta: the key id of the app\'s JWKS).'),
  tokenUrl: baseUrlField.optional().describe('Token endpoint; default the provider\'s own.'),
};

type ClientConfig = { clientIdEnv?: string; clientSecretEnv?: string; privateKeyFileEnv?: string };

function clientProblem(c: ClientConfig, ctx: z.RefinementCtx, alternative?: string): void {
  if (!c.clientIdEnv) {
    ctx.addIssue({ code: 'custom', path: ['clientIdEnv'], message: `expected clientIdEnv${alternative ? ` (or ${alternative})` : ''}` });
  } else if (!c.clientSecretEnv === !c.privateKeyFileEnv) {
    ctx.addIssue({ code: 'custom', path: [c.clientSecretEnv ? 'privateKeyFileEnv' : 'clientSecretEnv'], message: 'expected exactly one of clientSecretEnv and privateKeyFileEnv' });
  }
}

const oktaApiSchema = z
  .strictObject({
    ...common,
    format: z.literal('okta-api'),
    /** `https://example.okta.com` */
    baseUrl: baseUrlField,
    tokenEnv: envName.optional().describe('Variable holding an Okta API token (sent as `SSWS <token>`).'),
    ...clientFields,
    scopes: z.array(z.string().min(1)).default(['okta.users.read']),
    mfa: mfaField,
    ...apiFields,
    pageSize: z.number().int().min(1).max(200).default(200),
  })
  .superRefine((c, ctx) => {
    if (c.tokenEnv) {
      for (const k of ['clientIdEnv', 'clientSecretEnv', 'privateKeyFileEnv'] as const) {
        if (c[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'use either tokenEnv (API token) or OAuth client credentials, not both' });
      }
    } else clientProblem(c, ctx, 'tokenEnv');
  });

const entraApiSchema = z
  .strictObject({
    ...common,
    format: z.literal('entra-api'),
    /** Directory (tenant) id or a verified domain. */
    tenantId: z.string().min(1),
    ...clientFields,
    baseUrl: baseUrlField.default('https://graph.microsoft.com'),
    mfa: mfaField,
    ...apiFields,
    pageSize: z.number().int().min(1).max(999).default(999),
  })
  .superRefine((c, ctx) => clientProblem(c, ctx));

const googleApiSchema = z.strictObject({
  ...common,
  format: z.literal('google-api'),
  serviceAccountKeyFileEnv: envName.describe('Variable holding the path of the service account\'s JSON key file.'),
  /** The admin the service account acts as (domain-wide delegation needs a user to impersonate). */
  impersonate: z.email(),
  /** `my_customer` (the admin's own account), or a customer id. */
  customer: z.string().min(1).default('my_customer'),
  baseUrl: baseUrlField.default('https://admin.googleapis.com'),
  ...apiFields,
  pageSize: z.number().int().min(1).max(500).default(500),
});

const keycloakApiSchema = z
  .strictObject({
    ...common,
    format: z.literal('keycloak-api'),
    /** `https://sso.example.co.jp` (with the context path, e.g. `/auth`, of older versions). */
    baseUrl: baseUrlField,
    realm: z.string().min(1),
    /** Realm of the client that signs in; default `realm`. */
    tokenRealm: z.string().min(1).optional(),
    ...clientFields,
    mfa: mfaField,
    ...apiFields,
    pageSize: z.number().int().min(1).max(1000).default(100),
  })
  .superRefine((c, ctx) => clientProblem(c, ctx));

export const idpSourceSchema = z.discriminatedUnion('format', [fileSchema, oktaApiSchema, entraApiSchema, googleApiSchema, keycloakApiSchema]);
export type IdpSourceConfig = z.output<typeof idpSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    idp: IdpSourceConfig;
  }
}

export const idpSourceKind = defineSourceKind({
  kind: 'idp',
  summary: 'identity provider users (Okta, Entra ID, Google Workspace, Keycloak, generic CSV; files or their APIs)',
  config: idpSourceSchema,
  records: 'account',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).idpCollector,
});
