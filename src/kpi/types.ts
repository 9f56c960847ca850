import type { IdentityConfig, ObjectiveConfig, OrganisationConfig } from '../config/fields.ts';

export type Direction = 'at_least' | 'at_most';
export type Status = 'met' | 'at_risk' | 'missed' | 'no_data';
export const STATUSES: readonly Status[] = ['met', 'at_risk', 'missed', 'no_data'];

/** The interval a KPI is evaluated over: (from, to] for rolling, [from, to] for calendar. */
export interface Period {
  from: string;
  to: string;
  /**
   * `rolling`: `from` is excluded, (from, to]; `calendar`: both included, [from, to].
   * @defaultValue `calendar` when absent
   */
  kind?: 'rolling' | 'calendar';
}

/** Something that fails the objective, with enough to act on it. */
export interface FailingSubject {
  /** What kind of thing: account, person, message, incident, recipient, finding, asset, activity, device (a device-day). */
  type: 'account' | 'person' | 'message' | 'incident' | 'recipient' | 'finding' | 'asset' | 'activity' | 'device';
  /** Its identifier (account login, person email / id, message id, incident id). */
  id: string;
  /** Why it fails, in one line, in English (the JSON contract). */
  reason: string;
  /**
   * The reason's code in the message catalogue (src/i18n/reasons.ts) and its parameters, so
   * pages and reports show it in the organisation's language. Absent: `reason` is shown as is.
   */
  reasonCode?: string;
  reasonParams?: Record<string, string | number | boolean | null | string[]>;
  /** Structured facts (owner, staleSince, daysOverdue, source, …). */
  details: Record<string, string | number | boolean | null | string[]>;
}

export interface KpiResult {
  objective: string;
  kpi: string;
  /** Null when the population is empty (status `no_data`). */
  value: number | null;
  numerator: number;
  denominator: number;
  target: number;
  direction: Direction;
  warning?: number;
  status: Status;
  period: Period;
  failing: FailingSubject[];
  /** Subjects listed apart from the KPI (service accounts, pending incidents, orphans…). */
  notes?: FailingSubject[];
  evaluatedAt: string;
}

/** What every KPI function gets besides its evidence: the objective, the organisation, the instant. */
export interface KpiContext {
  objective: ObjectiveConfig;
  organisation: OrganisationConfig;
  identity: IdentityConfig;
  /** Evaluation instant T. */
  at: Date;
  /**
   * HR status texts meaning "has left", by HR source id (from each `hr-roster` source's
   * `leftStatuses`). Sources not listed use the schema's default list.
   */
  leftStatuses?: Readonly<Record<string, readonly string[]>>;
}
