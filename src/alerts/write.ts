/** The I/O edge of `isms-kpi rules`: writes the generated rule file atomically. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/types.ts';
import { generateRules } from './rules.ts';

/** Writes the Prometheus rule file to `outFile` (`-` for stdout); returns what was written. */
export function writeRules(config: Config, outFile: string): string {
  const text = generateRules(config);
  if (outFile === '-') {
    process.stdout.write(text);
    return text;
  }
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, outFile);
  return text;
}
