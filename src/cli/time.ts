import { UsageError } from '../errors.ts';

/** Parse an ISO-8601 instant given on the command line; a bare date is its start in UTC. */
export function parseInstant(flag: string, value: string | undefined, fallback: () => Date): Date {
  if (value === undefined) return fallback();
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw new UsageError(`${flag}: expected an ISO-8601 instant such as 2026-03-31T23:59:59+09:00, got "${value}"`);
  return new Date(t);
}

export function parseFormat(value: string | undefined): 'table' | 'json' | 'csv' {
  const f = value ?? 'table';
  if (f !== 'table' && f !== 'json' && f !== 'csv') throw new UsageError(`--format: expected table, json or csv, got "${f}"`);
  return f;
}
