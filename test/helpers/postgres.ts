/**
 * A private PostgreSQL server for a test run: Debian's binaries (/usr/lib/postgresql/N/bin),
 * `initdb` into a temporary directory, started with `pg_ctl` on a free port with its unix socket
 * in that directory, stopped and removed afterwards. Never the machine's 5432.
 *
 * PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user
 * (`runuser -u postgres`) and the directory is handed to that user. Missing binaries are an
 * error, never a skip: the store contract must be checked against a real server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory. */
export function postgresBinDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`PostgreSQL server binaries not found (no ${PG_ROOT}/*/bin/initdb): install Debian's postgresql package (apt-get install postgresql), as .ci/run must`);
  }
  return join(PG_ROOT, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class TestPostgres {
  /** The password of the test role: URLs carry it, so tests can check that no message shows it. */
  static readonly PASSWORD = 'pw-9f3c1e77-never-printed';
  static readonly USER = 'isms';
  private seq = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly asPostgres: boolean,
  ) {}

  static async start(): Promise<TestPostgres> {
    const bin = postgresBinDir();
    const asPostgres = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'isms-pg-'));
    const server = new TestPostgres(dir, await freePort(), bin, asPostgres);
    try {
      writeFileSync(join(dir, 'pwfile'), `${TestPostgres.PASSWORD}\n`);
      if (asPostgres) {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        chownSync(dir, uid, gid);
        chownSync(join(dir, 'pwfile'), uid, gid);
      }
      chmodSync(dir, 0o700);
      server.run('initdb', ['-D', join(dir, 'data'), '-U', TestPostgres.USER, `--pwfile=${join(dir, 'pwfile')}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
      const opts = [
        `-p ${server.port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1',
        // A throw-away server: durability off, so the suite is not bound by fsync.
        '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
        '-c max_connections=200', '-c shared_buffers=64MB',
      ].join(' ');
      server.run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
      return server;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  private run(tool: string, args: string[]): void {
    const cmd = join(this.bin, tool);
    const r = this.asPostgres
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`${tool} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}${r.stdout}`);
    }
  }

  /** A URL (with the password) for a database of this server. */
  url(database = 'postgres'): string {
    return `postgres://${TestPostgres.USER}:${TestPostgres.PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  /** A new empty database, for one test or one file. */
  async createDatabase(prefix = 't'): Promise<string> {
    return createDatabase(this.url(), `${prefix}_${process.pid}_${++this.seq}`);
  }

  async stop(): Promise<void> {
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) {
      try {
        this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already down
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Create a database on the server `adminUrl` points at; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const safe = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${safe}" TEMPLATE template0`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${safe}`;
  return u.toString();
}
