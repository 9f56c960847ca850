/**
 * The one cron implementation: cron-parser, the library BullMQ's job schedulers run (the same
 * copy, pinned to BullMQ's version), so what `validate` accepts is what fires, inline or on
 * Redis, and the next run shown on the health page is the one that will happen.
 */
import { CronExpressionParser } from 'cron-parser';

/** Why `expr` is not a schedule, or undefined when it is one (5 fields, or 6 with seconds). */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (!expr.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) return `expected a cron expression with 5 or 6 fields, got ${fields.length}`;
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', strict: false });
    return undefined;
  } catch (e) {
    return `invalid cron expression: ${(e as Error).message}`;
  }
}

/** The first instant strictly after `from` at which `expr` fires in `timeZone`. */
export function nextRun(expr: string, timeZone: string, from: Date): Date {
  return CronExpressionParser.parse(expr, { currentDate: from, tz: timeZone }).next().toDate();
}
