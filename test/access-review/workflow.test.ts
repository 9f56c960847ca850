/**
 * The reviewer's workflow through the compiled CLI, as a user runs it: collect HR and the IdP,
 * `access-review start`, a reviewer returns the CSV filled in, `access-review status`,
 * `evaluate`. The worksheets name people: they appear in the output folder and nowhere else —
 * not on stdout, not in the logs (stderr at level debug).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO, 'bin', 'isms-kpi.js');

interface Out { code: number; stdout: string; stderr: string }
function cli(args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

let dir: string;
let cfg: string;
const PEOPLE = ['ann@corp.example', 'bob@corp.example', 'cy@corp.example', 'head@corp.example', 'ciso@corp.example'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-review-'));
  writeFileSync(join(dir, 'hr.csv'), 'employeeId,email,department,departmentHead,hireDate\nE1,ann@corp.example,Sales,E4,2020-01-01\nE2,bob@corp.example,Sales,E4,2020-01-01\nE3,cy@corp.example,Dev,,2020-01-01\nE4,head@corp.example,Sales,,2019-01-01\nE5,ciso@corp.example,Security,,2019-01-01\n');
  writeFileSync(join(dir, 'idp.csv'), 'login,email,enabled,lastLogin\nann@corp.example,ann@corp.example,true,2026-09-20T08:00:00Z\nbob@corp.example,bob@corp.example,true,2026-05-01T08:00:00Z\ncy@corp.example,cy@corp.example,true,\n');
  cfg = join(dir, 'isms.yaml');
  writeFileSync(cfg, `organisation: { name: Corp, timeZone: Europe/Berlin, internalDomains: [corp.example], language: en }
storage: { dataDir: ${join(dir, 'data')} }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv }
  - id: idp
    kind: idp
    format: generic-csv
    path: idp.csv
    columns: { accountId: login, login: login, email: email, enabled: enabled, lastLoginAt: lastLogin }
  - { id: review, kind: access-review, path: returned, outputDir: sheets, fallbackReviewer: ciso@corp.example }
objectives:
  - { id: review-done, title: Accounts reviewed, kpi: access-review-completion-rate, period: quarter }
  - { id: review-removed, title: Removals done, kpi: access-review-removal-rate, period: quarter }
`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('access review through the CLI', () => {
  it('start, return a sheet, status, evaluate', async () => {
    expect((await cli(['collect', 'hr', 'idp', '-c', cfg, '--observed-at', '2026-09-30T12:00:00Z'])).code).toBe(0);
    const start = await cli(['access-review', 'start', '-c', cfg, '--campaign', '2026-Q3', '--deadline', '2026-10-15', '--at', '2026-10-01T07:00:00Z', '--log-level', 'debug']);
    expect(start.code).toBe(0);
    // Sales' head (E4 in HR) gets ann and bob; cy (Dev: no reviewer, no head) goes to the fallback.
    expect(start.stdout).toContain('access review 2026-Q3: 3 accounts on 2 sheets, deadline 2026-10-15');
    for (const p of PEOPLE) expect(start.stdout + start.stderr, p).not.toContain(p);
    expect(readdirSync(join(dir, 'sheets', '2026-Q3')).sort()).toEqual(['campaign.json', 'ciso@corp.example.csv', 'ciso@corp.example.xlsx', 'head@corp.example.csv', 'head@corp.example.xlsx']);

    // The same campaign again: refused, exit 2.
    const again = await cli(['access-review', 'start', '-c', cfg, '--campaign', '2026-Q3', '--deadline', '2026-10-15']);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('campaign 2026-Q3 was already started') as unknown as string]);

    // The head returns the CSV: ann kept, bob removed.
    const sheet = readFileSync(join(dir, 'sheets', '2026-Q3', 'head@corp.example.csv'), 'utf8').split('\r\n');
    expect(sheet[0]).toBe('\uFEFFcampaign,reviewer,account,owner,department,source,status,last login,groups,decision,reviewed_by,reviewed_at');
    // 2026-09-20T08:00Z is 10:00 in Berlin (CEST).
    expect(sheet[1]).toBe('2026-Q3,head@corp.example,ann@corp.example,ann@corp.example,Sales,idp,true,2026-09-20 10:00,,,,');
    sheet[1] = sheet[1]!.replace(/,,,$/, ',keep,head@corp.example,2026-10-05 09:00');
    sheet[2] = sheet[2]!.replace(/,,,$/, ',remove,head@corp.example,2026-10-05 09:05');
    mkdirSync(join(dir, 'returned'));
    writeFileSync(join(dir, 'returned', 'sales.csv'), sheet.join('\r\n'));

    const status = await cli(['access-review', 'status', '-c', cfg, '--format', 'json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { campaigns: { campaign: string; accounts: number; decided: number; reviewers: { reviewer: string; accounts: number; decided: number; remove: number }[] }[] };
    expect(s.campaigns.map((c) => [c.campaign, c.accounts, c.decided])).toEqual([['2026-Q3', 3, 2]]);
    expect(s.campaigns[0]!.reviewers.map((r) => [r.reviewer, r.accounts, r.decided, r.remove])).toEqual([['ciso@corp.example', 1, 0, 0], ['head@corp.example', 2, 2, 1]]);
    const table = await cli(['access-review', 'status', '-c', cfg, '--no-collect']);
    expect(table.stdout).toContain('campaign 2026-Q3, deadline 2026-10-16 00:00: 2/3 decided');

    // bob's account disabled on 10-05 (IdP export then), within a day of the decision.
    writeFileSync(join(dir, 'idp.csv'), 'login,email,enabled,lastLogin\nann@corp.example,ann@corp.example,true,2026-09-20T08:00:00Z\nbob@corp.example,bob@corp.example,false,2026-05-01T08:00:00Z\ncy@corp.example,cy@corp.example,true,\n');
    expect((await cli(['collect', 'idp', '-c', cfg, '--observed-at', '2026-10-05T18:00:00Z'])).code).toBe(0);
    // `status` collected the returns as of now; evaluating a past instant needs them as of then.
    expect((await cli(['collect', 'review', '-c', cfg, '--observed-at', '2026-10-20T00:00:00Z'])).code).toBe(0);
    const ev = await cli(['evaluate', '-c', cfg, '--at', '2026-11-20T12:00:00+01:00', '--format', 'json']);
    const objectives = (JSON.parse(ev.stdout) as { objectives: { id: string; numerator: number; denominator: number; status: string }[] }).objectives;
    // 2 of 3 decided by the deadline; bob's removal: decided 10-05 09:05 CEST, first seen disabled 10-05 20:00 CEST ≤ 10-06 09:05.
    expect(objectives.map((o) => [o.id, o.numerator, o.denominator, o.status])).toEqual([['review-done', 2, 3, 'missed'], ['review-removed', 1, 1, 'met']]);
  }, 120_000);
});
