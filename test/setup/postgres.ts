/**
 * vitest globalSetup: one real PostgreSQL server for the whole run (see test/helpers/postgres.ts).
 * Test files get its admin URL through `inject('postgresUrl')` and make their own databases with
 * `pgDatabase()` (test/helpers/pg-database.ts). When the server cannot start, the error is
 * handed to those files, which fail with it: never a skip, and the files that do not use
 * PostgreSQL still run.
 */
import type { TestProject } from 'vitest/node';
import { TestPostgres } from '../helpers/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresError: string;
  }
}

let server: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  try {
    server = await TestPostgres.start();
    project.provide('postgresUrl', server.url());
    project.provide('postgresError', '');
  } catch (err) {
    project.provide('postgresUrl', '');
    project.provide('postgresError', (err as Error).message);
  }
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
