/**
 * Every source kind, one line each. A new kind is its folder (with a `source.ts` descriptor)
 * and one line here; the config schema, the collector registry, evaluation and the README's
 * generated kind table all read this list.
 */
import { accessLogSourceKind } from './access-log/source.ts';
import { elasticsearchSourceKind } from './access-log-elasticsearch/source.ts';
import { hrSourceKind } from './hr/source.ts';
import { idpSourceKind } from './idp/source.ts';
import { incidentsSourceKind } from './incidents/source.ts';
import { lmsSourceKind } from './lms/source.ts';
import { mailSourceKind } from './mail/source.ts';
import { phishingSourceKind } from './phishing/source.ts';
import type { SourceKindDescriptor } from './source-kind.ts';
import { vulnerabilityScanSourceKind } from './vulnerability-scan/source.ts';
import { assetInventorySourceKind } from './asset-inventory/source.ts';
import { activityRegisterSourceKind } from './activity-register/source.ts';
import { deviceEventsSourceKind } from './device-events/source.ts';
import { mediaApprovalsSourceKind } from './media-approvals/source.ts';
import { accessReviewSourceKind } from './access-review/source.ts';

export const SOURCE_KINDS: readonly SourceKindDescriptor[] = [
  hrSourceKind,
  idpSourceKind,
  lmsSourceKind,
  phishingSourceKind,
  incidentsSourceKind,
  accessLogSourceKind,
  elasticsearchSourceKind,
  mailSourceKind,
  vulnerabilityScanSourceKind,
  assetInventorySourceKind,
  activityRegisterSourceKind,
  deviceEventsSourceKind,
  mediaApprovalsSourceKind,
  accessReviewSourceKind,
];
