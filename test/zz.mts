import { readFileSync } from 'node:fs';
import { EcsScanner } from '/work/wt/ecs-metrics/src/collectors/access-log/ecs-scan.ts';
const buf = readFileSync('/tmp/ecsprof/auth.ndjson').subarray(0, 60_000_000);
const bounds: number[] = []; let s = 0; for (let i = 0; i < buf.length; i++) if (buf[i] === 10) { bounds.push(s, i); s = i + 1; }
const N = bounds.length / 2;
const lines = Array.from({ length: N }, (_, i) => buf.toString('utf8', bounds[2 * i]!, bounds[2 * i + 1]!));
const sc = new EcsScanner(); const out: any = {};
let x = 0; const t = performance.now();
for (let r = 0; r < 5; r++) for (const l of lines) x += sc.scan(l, out) ? 1 : 0;
console.log(((performance.now() - t) * 1e6 / N / 5).toFixed(0), 'ns/line', x);
