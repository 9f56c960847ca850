/**
 * The evidence a KPI function reads, loaded as of T by evaluate.ts (or built by hand in tests).
 * KPI functions see only this, never the store.
 */
import type { AccountRecord, CompletionRecord, IncidentRecord, PersonRecord, PhishingRecord, Versioned } from '../evidence/records.ts';

export interface EvidenceBundle {
  /** HR records with their history (who left when, who was removed from the roster). */
  people: Versioned<PersonRecord>[];
  /** IdP accounts with their history (first seen, first seen disabled or absent). */
  accounts: Versioned<AccountRecord>[];
  /** Current LMS completions as of T. */
  completions: CompletionRecord[];
  /** Current phishing-drill results as of T. */
  phishing: PhishingRecord[];
  /** Current incident register as of T. */
  incidents: IncidentRecord[];
  /**
   * Last successful authentication per account from access logs (ISO-8601), keyed by
   * `canonicalLogin` of the log-in name (see identity.ts). Empty when no access logs are loaded.
   */
  accessLastSuccess: Map<string, string>;
}

export function emptyBundle(): EvidenceBundle {
  return { people: [], accounts: [], completions: [], phishing: [], incidents: [], accessLastSuccess: new Map() };
}
