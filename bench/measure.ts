/**
 * What the line-reading benchmarks share: CPU seconds of this process, one child process run
 * under /usr/bin/time for its peak RSS, and a plain text table.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** CPU seconds (user + system) since `c0`: the honest per-core figure on a shared machine. */
export function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** Run `node --import tsx ...args` in `cwd` under /usr/bin/time: its stdout and peak RSS (MB). */
export function timedChild(args: readonly string[], cwd: string): { peakMb: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %M', process.execPath, '--import', 'tsx', ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /__TIME__ (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`child failed (${r.status}): ${(r.stderr ?? '').slice(-800)}`);
  return { peakMb: Number(m[1]) / 1024, stdout: r.stdout };
}

/** The last line a child printed, as the JSON result it ends with. */
export function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T;
}

/** Print a table: the columns at `leftAligned` padded on the right, the others (figures) on the left. */
export function printTable(header: readonly string[], body: readonly string[][], leftAligned: readonly number[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (leftAligned.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
}

/**
 * The floor of every reader that builds each line's object: readline and JSON.parse of every
 * line, nothing classified or kept. The objects parsed and the lines that are not JSON.
 */
export async function readlineJsonParse(file: string): Promise<{ workSeconds: number; cpuSeconds: number; objects: number; bad: number }> {
  let bad = 0;
  let objects = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity });
  for await (const line of rl) {
    try {
      const doc = JSON.parse(line) as object;
      if (doc !== null && typeof doc === 'object') objects++;
    } catch {
      bad++;
    }
  }
  return { workSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(c0), objects, bad };
}
