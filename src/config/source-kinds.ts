/**
 * The source configs by kind. Each source kind adds its own entry from its folder
 * (src/collectors/<kind>/source.ts) by declaration merging:
 *
 * ```ts
 * declare module '../../config/source-kinds.ts' {
 *   interface SourceConfigs { 'hr-roster': HrSourceConfig }
 * }
 * ```
 *
 * so this file never lists them and lower layers can name a source's type without importing
 * the collectors.
 */
import type { CommonSourceConfig } from './fields.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SourceConfigs {}

export type SourceKind = keyof SourceConfigs & string;
/** Any configured source, narrowed by `kind`. */
export type SourceConfig = SourceConfigs[SourceKind] & CommonSourceConfig;
export type SourceOf<K extends SourceKind> = SourceConfigs[K] & CommonSourceConfig;
