/**
 * How often a source is expected to collect, from its cron schedule: the longest gap between
 * consecutive runs (a weekday schedule has a three-day gap over the weekend, and evidence is not
 * stale on a Monday morning just because Saturday had no run).
 */
import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../errors.ts';

/** A source without a schedule is collected by hand or by an outside timer; assume daily. */
export const DEFAULT_INTERVAL_SECONDS = 86400;

/** Reference instant for walking the schedule: fixed, so generated rules do not depend on today. */
const REFERENCE = '2024-01-01T00:00:00Z';
/** A year and a bit covers every pattern cron can express except leap-day-only schedules. */
const SPAN_SECONDS = 370 * 86400;
const MAX_STEPS = 2000;

/**
 * The longest gap, in seconds, between consecutive runs of `cron` in `timeZone`
 * (or {@link DEFAULT_INTERVAL_SECONDS} when there is no schedule).
 */
export function scheduleIntervalSeconds(cron: string | undefined, timeZone: string, field = 'schedule'): number {
  if (cron === undefined) return DEFAULT_INTERVAL_SECONDS;
  let it;
  try {
    it = CronExpressionParser.parse(cron, { currentDate: REFERENCE, tz: timeZone });
  } catch (e) {
    throw new ConfigError([{ file: '(config)', path: field, message: `invalid cron expression "${cron}": ${(e as Error).message}` }], { cause: e });
  }
  const start = Date.parse(REFERENCE) / 1000;
  let prev = it.next().getTime() / 1000;
  let maxGap = 0;
  // Frequent schedules (every minute) reach MAX_STEPS long before a year; their gaps repeat daily at most.
  for (let i = 0; i < MAX_STEPS && prev - start < SPAN_SECONDS; i++) {
    const next = it.next().getTime() / 1000;
    maxGap = Math.max(maxGap, next - prev);
    prev = next;
  }
  return maxGap;
}
