/** The record kind `activity` of the activity-register source kind (apart from source.ts, so the parser can name it). */

/** One performance of a recurring activity. Key: activity + performed at + performer. */
export interface ActivityRecord {
  /** The activity as the register names it (`月次ログレビュー`, `Monthly log review`). */
  activity: string;
  /** When it was done, ISO-8601 with an offset (a date alone: its midnight in the zone). */
  performedAt: string;
  performer?: string;
  /** Where the evidence is: a ticket, a file, a minutes reference. */
  evidence?: string;
}

declare module '../../evidence/records.ts' {
  interface RecordKinds {
    activity: ActivityRecord;
  }
}
