/**
 * A private redis-server for one test file: started on a free port with no persistence (or with
 * AOF in a temp dir, for the restart test), stopped in afterAll. Never the machine's 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  private proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'isms-redis-'));

  private constructor(readonly port: number, private readonly aof: boolean) {}

  static async start(opts: { aof?: boolean } = {}): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), opts.aof ?? false);
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)start the server on the same port and directory. */
  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--maxmemory-policy', 'noeviction'];
    args.push('--appendonly', this.aof ? 'yes' : 'no');
    if (this.aof) args.push('--appendfsync', 'always');
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited ${code}: ${out}`));
      });
    });
  }

  /** Stop the server (SIGTERM: with AOF on, every acknowledged write is on disk). */
  async down(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let seq = 0;
/** A Redis key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${process.pid}-${++seq}`;
}
