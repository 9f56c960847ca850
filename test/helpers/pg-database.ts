/** A fresh database on the run's PostgreSQL server (test/setup/postgres.ts), or its start-up error. */
import { inject } from 'vitest';
import { createDatabase } from './postgres.ts';

let seq = 0;

export function postgresAdminUrl(): string {
  const error = inject('postgresError');
  if (error) throw new Error(`the test PostgreSQL server did not start: ${error}`);
  return inject('postgresUrl');
}

/** A new empty database; returns its URL (with the test role's password). */
export async function pgDatabase(prefix = 't'): Promise<string> {
  return createDatabase(postgresAdminUrl(), `${prefix}_${process.pid}_${Date.now() % 1e8}_${++seq}`);
}
