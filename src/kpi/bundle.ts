/**
 * The evidence a KPI function reads, loaded as of T by evaluate.ts (or built by hand in tests).
 * KPI functions see only this, never the store. Every kind a KPI reads (see its `reads`) is in
 * `history` or `current`; the core kinds also have a named field, the same array.
 */
import type { AccountRecord, CompletionRecord, IncidentRecord, PersonRecord, PhishingRecord, RecordKind, RecordKinds, Versioned } from '../evidence/records.ts';

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
  /** Snapshot records with their history, by record kind (`reads: [{ kind, as: 'history' }]`). */
  history: { [K in RecordKind]?: Versioned<RecordKinds[K]>[] };
  /** Snapshot records present at T, by record kind (`reads: [{ kind, as: 'current' }]`). */
  current: { [K in RecordKind]?: RecordKinds[K][] };
  /**
   * For each snapshot kind read: how many of the objective's sources of it had been observed
   * (collected) at or before T. An observed export with no records is evidence of none (an empty
   * incident register); no observation at all is no evidence. Absent when not known (bundles
   * built by hand): KPIs then treat no records as no evidence.
   */
  observed?: { [K in RecordKind]?: number };
  /**
   * For each accumulating kind read as facts: the newest instant (epoch ms) at or before T that a
   * collection run of one of its sources wrote evidence as of (success or partial), when there is
   * one. Logs read in the period with nothing of the kind in them say "none in the period"; logs
   * last read before it, or never, say nothing about it.
   */
  collectedAt?: { [K in RecordKind]?: number };
}

export function emptyBundle(): EvidenceBundle {
  return { people: [], accounts: [], completions: [], phishing: [], incidents: [], accessLastSuccess: new Map(), history: {}, current: {} };
}

/** The records of a kind with their history (empty when the KPI did not read it). */
export function historyOf<K extends RecordKind>(b: EvidenceBundle, kind: K): Versioned<RecordKinds[K]>[] {
  return (b.history[kind] as Versioned<RecordKinds[K]>[] | undefined) ?? [];
}

/** The records of a kind present at T (empty when the KPI did not read it). */
export function currentOf<K extends RecordKind>(b: EvidenceBundle, kind: K): RecordKinds[K][] {
  return (b.current[kind] as RecordKinds[K][] | undefined) ?? [];
}

/** The named fields, kept as views of the same arrays. */
export function withNamedFields(b: EvidenceBundle): EvidenceBundle {
  b.people = historyOf(b, 'person');
  b.accounts = historyOf(b, 'account');
  b.completions = currentOf(b, 'completion');
  b.phishing = currentOf(b, 'phishing');
  b.incidents = currentOf(b, 'incident');
  return b;
}
