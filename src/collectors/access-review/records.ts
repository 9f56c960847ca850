/** The record kind `access-review` of the access-review source kind (apart from source.ts, so the parsers can name it). */

/**
 * One account of one access-review campaign (アカウント棚卸し), as listed when the campaign
 * started, with the decision its reviewer returned (if any). Key: campaign, identity source,
 * account id. Every account of the campaign is a record, decided or not, so the KPIs know the
 * whole population.
 */
export interface AccessReviewRecord {
  /** The campaign's id (`2026-Q3`). */
  campaign: string;
  /** When the campaign snapshotted the accounts, ISO-8601. */
  startedAt: string;
  /** The deadline as given (`2026-10-15`, a whole day; or an instant). */
  deadline: string;
  /** The deadline's instant: the end of that day in the organisation's zone (the next midnight), or the instant given. */
  deadlineAt: string;
  /** The reviewer the account was assigned to (an email, as identity matching names them). */
  reviewer: string;
  /** The identity source (IdP source id) and the account's id and log-in name there. */
  source: string;
  accountId: string;
  account: string;
  /** The owner at the start: a person's id (first email), absent for orphan and service accounts. */
  owner?: string;
  ownerKind: 'person' | 'orphan' | 'service';
  department?: string;
  /** The returned decision. */
  decision?: 'keep' | 'remove';
  /** Who decided, as the sheet says. */
  reviewedBy?: string;
  /** When, ISO-8601. */
  reviewedAt?: string;
  /** `sheet`: the reviewed_at cell; `returned-file`: the cell was empty, so the returned file's modification time. */
  reviewedAtFrom?: 'sheet' | 'returned-file';
  /** The returned file the decision was read from. */
  sheet?: string;
  /**
   * When the campaign closed: the last decision's time, once every account of it has a
   * decision; absent while it is open. The same on every record of the campaign.
   */
  closedAt?: string;
}

declare module '../../evidence/records.ts' {
  interface RecordKinds {
    'access-review': AccessReviewRecord;
  }
}
