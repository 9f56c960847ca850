/**
 * The idp source config narrowed by format, named from SourceConfigs (not from source.ts, which
 * loads the collector: importing it back would be a cycle).
 */
import type { SourceOf } from '../../config/source-kinds.ts';

type Idp = SourceOf<'idp'>;
export type IdpFileSource = Extract<Idp, { path: string }>;
export type OktaApiSource = Extract<Idp, { format: 'okta-api' }>;
export type EntraApiSource = Extract<Idp, { format: 'entra-api' }>;
export type GoogleApiSource = Extract<Idp, { format: 'google-api' }>;
export type KeycloakApiSource = Extract<Idp, { format: 'keycloak-api' }>;
