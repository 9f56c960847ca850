import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { writeDashboards } from '../../src/dashboards/write.ts';
import { writeRules } from '../../src/alerts/write.ts';
import { generateRules } from '../../src/alerts/rules.ts';

const FIXTURE = new URL('../fixtures/alerts/config.yaml', import.meta.url).pathname;
const config = parseConfig(readFileSync(FIXTURE, 'utf8'), FIXTURE, {});
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'isms-write-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeRules / writeDashboards (the CLI commands\' edge)', () => {
  it('writeRules creates the directory and the file, leaving no temporary file', () => {
    const out = join(dir, 'nested/rules/isms-kpi.yml');
    writeRules(config, out);
    expect(readFileSync(out, 'utf8')).toBe(generateRules(config));
    expect(readdirSync(join(dir, 'nested/rules'))).toEqual(['isms-kpi.yml']);
  });

  it('writeDashboards writes dashboards/ and provisioning/ under the output directory', () => {
    const written = writeDashboards(config, dir, { prometheusUrl: 'http://127.0.0.1:9090' });
    expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual([
      'dashboards/isms-collectors.json', 'dashboards/isms-objective.json', 'dashboards/isms-objectives.json',
      'provisioning/dashboards/isms-kpi.yml', 'provisioning/datasources/isms-kpi.yml',
    ]);
    expect(readFileSync(join(dir, 'provisioning/datasources/isms-kpi.yml'), 'utf8')).toContain('url: http://127.0.0.1:9090');
    expect(JSON.parse(readFileSync(join(dir, 'dashboards/isms-objectives.json'), 'utf8')).title).toBe('ISMS 情報セキュリティ目標の概要');
    expect(readdirSync(join(dir, 'dashboards')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
