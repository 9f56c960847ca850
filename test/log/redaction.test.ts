import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';

describe('logs redact personal data', () => {
  it('replaces personal fields at the top level and one level down, and keeps ids of sources and jobs', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink);
    log.info({ source: 'okta', jobId: '42', email: 'ken.ito@example.co.jp', account: { login: 'ken.ito' }, rejection: { file: '/exports/hr.csv', line: 7 } }, 'collected');
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec.source).toBe('okta');
    expect(rec.jobId).toBe('42');
    expect(rec.email).toBe('[redacted]');
    expect(rec.account).toBe('[redacted]');
    expect(rec.rejection).toEqual({ file: '[redacted]', line: 7 });
    expect(lines[0]).not.toMatch(/ken\.ito|hr\.csv/);
  });
});
