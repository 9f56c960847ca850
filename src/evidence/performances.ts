/**
 * Dated records as performances of a recurring activity (activity-cadence-rate's
 * `from: <source id>`): a source kind whose records each say "this was done at that instant"
 * offers them here, in its descriptor's `performances` (src/collectors/<kind>/source.ts). A
 * vulnerability scan report is a performance of "the quarterly scan" at its scan time, a row of
 * the activity register one of its named activity; a closed access-review campaign (issue 14)
 * would be one of "the quarterly account review" at its closing time.
 *
 * The evaluation reads the named source as of T — its facts, or its snapshot records present
 * at T — and maps each record through `performance`; the KPI never learns the record's kind.
 */
import type { RecordKind, RecordKinds } from './records.ts';

/** One performance of a recurring activity. */
export interface Performance {
  /** When it was done, ISO-8601 with an offset. */
  at: string;
  /**
   * The activity it performs, as the record names it (an activity register's row). Absent: the
   * record performs whatever activity names this source in its `from:` (a scan report).
   */
  activity?: string;
  /** Who did it (for the evidence list only; never a metric label). */
  by?: string;
  /** Where the evidence is (a ticket, a file, a report id). */
  evidence?: string;
}

/** How a record kind's records are read and dated as performances. */
export interface PerformanceSource<K extends RecordKind = RecordKind> {
  /** `facts`: an accumulating source's facts; `current`: a snapshot source's records present at T. */
  read: 'facts' | 'current';
  /** The performance a record stands for, or undefined when it stands for none (yet). */
  performance(record: RecordKinds[K]): Performance | undefined;
}
