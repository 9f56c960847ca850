/** What a detector concluded about one attachment. */
export interface Verdict {
  encrypted: boolean;
  /** One line, for the evidence report: `zip: all 3 entries encrypted (AES)`, `pdf: no /Encrypt`, … */
  reason: string;
}

export const verdict = (encrypted: boolean, reason: string): Verdict => ({ encrypted, reason });
