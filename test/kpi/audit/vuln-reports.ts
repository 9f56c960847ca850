/**
 * Scan reports for the vulnerability KPI audits, with what KPIS.md makes of them, by hand. Asia/Tokyo, fiscal year
 * from April. T = 2026-11-20 12:00 JST; the quarter is [2026-10-01 00:00 JST, T]. Deadlines
 * (defaults): critical 15, high 30, medium 90 days; low not counted.
 *
 * a  10-01 09:00 X(crit) Y(high) · 10-16 09:00 Y · 10-31 09:01 clean
 *    X: deadline 10-16 09:00, the 10-16 09:00 report no longer lists it: fixed at the deadline, on time.
 *    Y: deadline 10-31 09:00, fixed 10-31 09:01: a minute late → fails, 1 day (rounded up).
 * c  08-01 09:00 U(high) · 09-01 09:00 U Z(med) W(low) V(crit) · 09-20 09:00 U Z W · 10-05 09:00 Z W
 *    U: deadline 08-31 09:00, open at the quarter's start, fixed 10-05 09:00: fails, 35 days exactly.
 *    V: deadline 09-16 09:00, fixed 09-20 09:00: both before the quarter → out.
 *    Z: deadline 11-30 09:00 > T → not yet. W: low → not counted.
 * d  10-01 09:00 Q(crit), never again; e 10-05 09:00 clean (another asset: says nothing about Q)
 *    Q: deadline 10-16 09:00, open at T: fails, 35 d 3 h → 36 days.
 * Population X Y U Q = 4, on time X = 1 → 0.25.
 */
import { scan } from '../scans.ts';

export const reports = [
  scan('a', '2026-10-01T09:00', [['X', 'critical'], ['Y', 'high']]),
  scan('a', '2026-10-16T09:00', [['Y', 'high']]),
  scan('a', '2026-10-31T09:01', []),
  scan('c', '2026-08-01T09:00', [['U', 'high']]),
  scan('c', '2026-09-01T09:00', [['U', 'high'], ['Z', 'medium'], ['W', 'low'], ['V', 'critical']]),
  scan('c', '2026-09-20T09:00', [['U', 'high'], ['Z', 'medium'], ['W', 'low']]),
  scan('c', '2026-10-05T09:00', [['Z', 'medium'], ['W', 'low']]),
  scan('d', '2026-10-01T09:00', [['Q', 'critical']]),
  scan('e', '2026-10-05T09:00', []),
];
