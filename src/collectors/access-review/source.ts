/**
 * The `access-review` source kind: access reviews (アカウント棚卸し). `isms-kpi access-review
 * start` snapshots the in-scope identity sources' active accounts into a campaign (kept as
 * `<outputDir>/<campaign>/campaign.json`, with one worksheet per reviewer beside it); the sheets
 * reviewers return into `path` are this source's input. A snapshot: each collection is every
 * campaign's accounts with the decisions returned so far.
 */
import { z } from 'zod';
import { commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';
import { accessReviewPerformances } from './performances.ts';
export type { AccessReviewRecord } from './records.ts';

export const accessReviewSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('access-review'),
  /** The folder reviewers (or a script) return the filled-in sheets into (XLSX or CSV, read recursively). */
  path: pathField,
  /**
   * Where `access-review start` writes each campaign: its manifest and the worksheets, which
   * name people — so nowhere else, and never into logs.
   */
  outputDir: pathField,
  /** The identity (idp) sources whose active accounts are reviewed. Default: every idp source. */
  accounts: z.array(z.string().min(1)).min(1).optional(),
  /** The HR sources giving owners, departments and department heads. Default: every hr-roster source. */
  hr: z.array(z.string().min(1)).min(1).optional(),
  /** The reviewer of each department's accounts (department → email, employee id or log-in name). */
  reviewers: z.record(z.string(), z.string().min(1)).default({}),
  /** Who reviews accounts no one else can: no configured reviewer, no department head in HR, orphans, service accounts. */
  fallbackReviewer: z.string().min(1),
  /** How often a campaign is due: names the campaign (`2026-Q3`) when `start` is given none. */
  cadence: z.enum(['monthly', 'quarterly', 'half-year', 'year']).default('quarterly'),
  /**
   * `run` starts the campaigns itself: each cadence period's campaign (named `2026-Q3`, …) at the
   * period's start, or when `run` starts in a period that has no campaign yet, with the deadline
   * start + reviewDays. Off: campaigns are started with `isms-kpi access-review start`.
   */
  autoStart: z.boolean().default(false),
  /** Days from the start to the deadline when `start` is given no `--deadline`. */
  reviewDays: z.number().int().min(1).max(366).default(14),
  /** For reviewed_at cells that are neither ISO-8601 nor one of the common forms. */
  dateFormat: dateFormatField,
});
export type AccessReviewSourceConfig = z.output<typeof accessReviewSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'access-review': AccessReviewSourceConfig;
  }
}

export const accessReviewSourceKind = defineSourceKind({
  kind: 'access-review',
  summary: 'access-review campaigns (アカウント棚卸し): the accounts listed per reviewer and the returned sheets\' decisions (XLSX / CSV)',
  config: accessReviewSourceSchema,
  records: 'access-review',
  semantics: 'snapshot',
  // A closed campaign is a performance of "the account inventory" (activity-cadence-rate `from:`).
  performances: accessReviewPerformances,
  load: async () => (await import('./collector.ts')).accessReviewCollector,
});
