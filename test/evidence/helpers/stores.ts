/**
 * The two stores the contract suite runs on: SQLite in a temporary file, and PostgreSQL in a
 * fresh database of the run's server (test/setup/postgres.ts). `reopen` gives a new store on the
 * same data, as a restarted process would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaintainedStore } from '../../../src/evidence/maintenance.ts';
import { PostgresStore } from '../../../src/evidence/postgres-store.ts';
import { SqliteStore } from '../../../src/evidence/sqlite-store.ts';
import { pgDatabase } from '../../helpers/pg-database.ts';

export interface StoreHandle {
  store: MaintainedStore;
  /** Another store on the same data (close the first one yourself when it matters). */
  reopen(): MaintainedStore;
  /** Where the data is: the SQLite file, or the database URL. */
  where: string;
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  create(): Promise<StoreHandle>;
}

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'isms-store-'));
    const file = join(dir, 'evidence.sqlite');
    const opened: MaintainedStore[] = [];
    const open = () => {
      const s = new SqliteStore(file);
      opened.push(s);
      return s;
    };
    return {
      store: open(),
      reopen: open,
      where: file,
      async cleanup() {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresFactory: StoreFactory = {
  name: 'postgres',
  async create() {
    const url = await pgDatabase('store');
    const opened: MaintainedStore[] = [];
    const open = () => {
      const s = new PostgresStore(url);
      opened.push(s);
      return s;
    };
    return {
      store: open(),
      reopen: open,
      where: url,
      async cleanup() {
        for (const s of opened) await s.close();
      },
    };
  },
};

export const STORE_FACTORIES: readonly StoreFactory[] = [sqliteFactory, postgresFactory];
