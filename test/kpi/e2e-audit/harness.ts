/**
 * End-to-end harness for the e2e audit: write hand-made export files and a config into a temp
 * dir, run the real compiled CLI (`collect`, then `evaluate --format json`), and read the JSON
 * contract back. Every expected value in the tests beside this file is computed by hand from
 * /work/shared/KPIS.md, never copied from program output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(REPO, 'bin', 'isms-kpi.js');

export interface Objective {
  id: string;
  kpi: string;
  value: number | null;
  numerator: number;
  denominator: number;
  status: string;
  period: { from: string; to: string };
}

export class Workspace {
  readonly dir: string;
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'isms-e2e-audit-'));
  }
  /**
   * Write a file (string, or bytes) under the workspace; returns its absolute path. Its mtime is
   * set an hour back: folder collectors leave files modified in the last 2 s for the next run.
   */
  write(rel: string, content: string | Buffer): string {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(p, past, past);
    return p;
  }
  /** A config: organisation header + sources YAML + objectives YAML. */
  config(sources: string, objectives: string, org = 'timeZone: Asia/Tokyo\n  fiscalYearStartMonth: 4\n  internalDomains: [corp.example]'): string {
    const name = `c-${Math.random().toString(36).slice(2)}.yaml`;
    return this.write(
      name,
      `organisation:\n  name: Corp\n  ${org}\nstorage: { dataDir: ${join(this.dir, 'data-' + name)} }\nsources:\n${sources}\nobjectives:\n${objectives}\n`,
    );
  }
  cli(args: string[]): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args, '--log-level', 'silent'], { cwd: this.dir, encoding: 'utf8' });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }
  /** `collect` (all sources, or those named); throws on a non-zero exit. */
  collect(config: string, opts: { observedAt?: string; sources?: string[]; allowPartial?: boolean } = {}): string {
    const args = ['collect', '-c', config, ...(opts.sources ?? [])];
    if (opts.observedAt) args.push('--observed-at', opts.observedAt);
    const r = this.cli(args);
    if (r.code !== 0 && !opts.allowPartial) throw new Error(`collect exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
  }
  evaluate(config: string, at: string, ids: string[] = []): Record<string, Objective> {
    const out = execFileSync(process.execPath, [BIN, 'evaluate', '-c', config, '--at', at, '--format', 'json', '--log-level', 'silent', ...ids], { cwd: this.dir, encoding: 'utf8' });
    const doc = JSON.parse(out) as { objectives: Objective[] };
    return Object.fromEntries(doc.objectives.map((o) => [o.id, o]));
  }
  /** `evidence <objective> --format json`: the KPI result with its failing subjects. */
  evidence(config: string, id: string, at: string): { failing: { id: string; type: string; details: Record<string, unknown>; reason?: unknown }[] } & Record<string, unknown> {
    const out = execFileSync(process.execPath, [BIN, 'evidence', id, '-c', config, '--at', at, '--format', 'json', '--log-level', 'silent'], { cwd: this.dir, encoding: 'utf8' });
    return JSON.parse(out);
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `- id: …` objective YAML with the given kpi, period and params (YAML flow map text). */
export function objective(id: string, kpi: string, period: string, params = '', extra = ''): string {
  return `  - id: ${id}\n    title: ${id}\n    kpi: ${kpi}\n    period: ${period}\n${params ? `    params: ${params}\n` : ''}${extra}`;
}
