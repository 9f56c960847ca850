/**
 * Normalised evidence records: what collectors produce and KPIs read. Timestamps are ISO-8601
 * strings with an explicit offset (collectors resolve zone-less inputs in the source's or the
 * organisation's time zone). Calendar dates (hire / leave dates) are `YYYY-MM-DD` and mean a
 * whole day in the organisation's time zone.
 *
 * Records keep the minimum needed to compute and explain a KPI: no passwords, no mail bodies.
 */

/** A person from the HR roster. Key: employeeId (or email when the roster has no id). */
export interface PersonRecord {
  employeeId?: string;
  email?: string;
  /** Display name, for the evidence report only (never a metric label). */
  name?: string;
  department?: string;
  /** Raw status text from HR (e.g. `在籍`, `退職`, `active`). */
  status?: string;
  /** First working day, `YYYY-MM-DD`. */
  hireDate?: string;
  /** Last working day, `YYYY-MM-DD`. Accounts are stale from the start of the next day. */
  leaveDate?: string;
  /** Extra login names HR knows for this person. */
  logins?: string[];
  /**
   * The head of the person's department (or their manager), as HR names them: an email,
   * employee id or log-in name. An access review assigns the person's accounts to them when no
   * reviewer is configured for the department.
   */
  departmentHead?: string;
}

/** An identity-provider account. Key: the IdP's stable account id (or login). */
export interface AccountRecord {
  /** The IdP's stable id (Okta id, Entra objectId, Keycloak id; Google primaryEmail). */
  accountId: string;
  login: string;
  email?: string;
  /** Employee id attribute when the IdP carries one. */
  employeeId?: string;
  displayName?: string;
  /** True when the account can sign in (ACTIVE, accountEnabled, not suspended…). */
  enabled: boolean;
  /** Raw IdP status (`ACTIVE`, `SUSPENDED`, `DEPROVISIONED`, `true`/`false`, …). */
  rawStatus: string;
  /** When the IdP says the status last changed, ISO-8601. */
  statusChangedAt?: string;
  createdAt?: string;
  lastLoginAt?: string;
  /** MFA enrolled per the IdP export; undefined when the export does not say. */
  mfaEnrolled?: boolean;
  /** False for accounts without a password (federated, passwordless); undefined = unknown. */
  hasPassword?: boolean;
  passwordChangedAt?: string;
  /** IdP account type (Okta type id, Entra userType, `service`, …). */
  accountType?: string;
  groups?: string[];
  department?: string;
}

/** One course completion from the LMS. Key: person + course (+ completion time). */
export interface CompletionRecord {
  /** The person as the LMS identifies them: email, employee id or login. */
  person: string;
  course: string;
  completedAt: string;
}

/** One recipient of one phishing-drill campaign. Key: campaign + email. */
export interface PhishingRecord {
  campaign: string;
  email: string;
  /** When the campaign (or this send) was launched, ISO-8601. */
  launchedAt: string;
  /** Raw GoPhish status. */
  status: string;
  /** False for a send that bounced / errored (not in the population). */
  delivered: boolean;
  clicked: boolean;
  submitted: boolean;
  reported: boolean;
  /**
   * When the recipient first clicked or submitted data, ISO-8601: from the campaign's timeline
   * (JSON) where it has the event, else the result's `modified_date` (the time of its last status
   * change, so no earlier than the failure). Absent for a recipient who did not fail, and where
   * the export gives no time (then the campaign's launch stands in).
   */
  failedAt?: string;
}

/** One entry of the incident register. Key: incidentId. */
export interface IncidentRecord {
  incidentId: string;
  detectedAt: string;
  reportedAt?: string;
  severity?: string;
  title?: string;
  /** The register's own classification (誤送信, 紛失, mis-sent, …), as written. */
  category?: string;
}

/**
 * Authentication activity of one account on one day (in the organisation's time zone),
 * aggregated from access logs. Key: source + account + day (+ the observation that read it, so
 * a later collection adds an increment rather than changing what an earlier instant saw).
 * Merges associatively: counts add, first-* take the min, last-* the max.
 *
 * The successes' hour counts place them within the day, so a bound inside it (the instant evaluated,
 * a rolling period's start, a stale-since) splits them exactly unless events of the hour that
 * holds the bound fall on both sides of it (see src/kpi/access-days.ts). Memory stays accounts ×
 * days × at most 25 small counts, never one entry per log line.
 */
export interface AccessDayRecord {
  /** The log-in name as the log gives it (`ken.ito`, `ken.ito@example.co.jp`, `EXAMPLE\\ken`). */
  account: string;
  day: string;
  successes: number;
  failures: number;
  /** The first success, written when there are several (a single one is its own first). */
  firstSuccessAt?: string;
  lastSuccessAt?: string;
  /** The first failure, written when there are several. */
  firstFailureAt?: string;
  lastFailureAt?: string;
  /**
   * Successes per hour of the day: index i counts [day start + i h, day start + (i+1) h) (23 to 25
   * hours, by DST), trailing zeros left out. Absent in aggregates stored before hours were kept.
   * (Failures count in no KPI, only in leaver-activity-count's population: their first and last
   * times place them well enough, and the hot loop stays smaller.)
   */
  successesByHour?: number[];
  /** Where the last event was seen: log file or index (for the evidence report). */
  where?: string;
}

/** One attachment of an outbound message, as classified (content never stored). */
export interface AttachmentInfo {
  name?: string;
  contentType: string;
  size: number;
  encrypted: boolean;
  /** Why: `zip: all 3 entries encrypted`, `pdf: /Encrypt in trailer`, `plain pdf`, … */
  reason: string;
}

/** Metadata of one journaled outbound message. Key: message id (or a content hash). */
export interface MailRecord {
  messageId: string;
  date: string;
  /** Sender address (may be pseudonymised). */
  sender: string;
  senderDomain: string;
  externalRecipientDomains: string[];
  /** Protected as a whole (S/MIME enveloped, PGP/MIME, inline PGP). */
  protected: boolean;
  protection?: string;
  /** Counted attachments only (inline images, signatures and ignorable types excluded). */
  attachments: AttachmentInfo[];
  tooLarge?: boolean;
  /**
   * Why the message could not be inspected whole (over maxMessageBytes, a MIME limit reached, a
   * boundary never closed): unless protected as a whole it counts as a miss, never as absent.
   */
  notInspectable?: string;
  where?: string;
}

/**
 * Record kinds by name. A new source kind adds its record type from its own folder by
 * declaration merging (`declare module '../../evidence/records.ts' { interface RecordKinds { finding: FindingRecord } }`).
 */
export interface RecordKinds {
  person: PersonRecord;
  account: AccountRecord;
  completion: CompletionRecord;
  phishing: PhishingRecord;
  incident: IncidentRecord;
  'access-day': AccessDayRecord;
  mail: MailRecord;
}
export type RecordKind = keyof RecordKinds;

/** A record keyed for the store. */
export interface Keyed<K extends RecordKind = RecordKind> {
  key: string;
  data: RecordKinds[K];
}

/** One version of a snapshot record: its data from `at` on, or `null` = absent from `at` on. */
export interface Version<T> {
  at: string;
  data: T | null;
}

/**
 * A snapshot record as of an instant, with the history the KPIs need ("when was this account
 * first seen", "which collection first saw it disabled or gone").
 */
export interface Versioned<T> {
  source: string;
  key: string;
  /** The record as of the newest observation ≤ T, or null when that observation lacked it. */
  current: T | null;
  /** Every version observed ≤ T, oldest first; the first has non-null data. */
  versions: Version<T>[];
}
