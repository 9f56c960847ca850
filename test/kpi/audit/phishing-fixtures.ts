/**
 * Drill results for the phishing follow-up audits. Asia/Tokyo, fiscal year from April;
 * T = 2026-11-20 12:00 JST, the quarter is [2026-10-01 00:00 JST, T].
 * Campaigns: A launched 10-01 00:00 (the quarter's first instant: in), B 11-01 09:00 (in),
 * Z 09-30 23:59 (last quarter: out), F 11-20 12:00:01 (after T: out).
 */
import type { PhishingRecord } from '../../../src/evidence/records.ts';

export const T = '2026-11-20T12:00:00+09:00';
export const LAUNCH: Record<string, string> = { A: '2026-10-01T00:00:00+09:00', B: '2026-11-01T09:00:00+09:00', Z: '2026-09-30T23:59:00+09:00', F: '2026-11-20T12:00:01+09:00' };
export const at = (l: string) => `${l}@example.co.jp`;
export const drill = (campaign: string, who: string, o: Partial<PhishingRecord> = {}): PhishingRecord => ({
  campaign, email: at(who), launchedAt: LAUNCH[campaign] ?? '2026-10-01T09:00:00+09:00', status: 'Email Sent', delivered: true, clicked: false, submitted: false, reported: false, ...o,
});
