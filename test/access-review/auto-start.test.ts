/**
 * Access reviews started by `run` on their schedule (`autoStart`): the period's campaign is
 * started once — not again when one is named for the period or was started within it — and
 * not before the identity sources it reviews have been collected (an empty campaign would pass
 * for a review done). Real collectors and the worksheets on disk; the clock is the argument.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CampaignStarter } from '../../src/access-review/auto-start.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { SourceOf } from '../../src/config/source-kinds.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { silentLogger } from '../../src/log.ts';

const dir = mkdtempSync(join(tmpdir(), 'isms-autostart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = `organisation: { name: Corp, timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [corp.example], language: en }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv }
  - { id: idp, kind: idp, format: generic-csv, path: idp.csv, columns: { accountId: login, login: login, email: email, enabled: enabled } }
  - { id: review, kind: access-review, path: returned, outputDir: sheets, fallbackReviewer: ciso@corp.example, autoStart: true, reviewDays: 14 }
`;

describe('access reviews started on their schedule', () => {
  it("waits for the identity source, starts the quarter's campaign once, and the next quarter's at its start", async () => {
    writeFileSync(join(dir, 'isms.yaml'), yaml);
    writeFileSync(join(dir, 'hr.csv'), 'employeeId,email,department,hireDate\nE1,ann@corp.example,Sales,2020-01-01\nE2,bob@corp.example,Sales,2020-01-01\n');
    writeFileSync(join(dir, 'idp.csv'), 'login,email,enabled\nann@corp.example,ann@corp.example,true\nbob@corp.example,bob@corp.example,false\n');
    const config = parseConfig(yaml, join(dir, 'isms.yaml'));
    const store = createMemoryStore();
    const starter = new CampaignStarter({ config, store, log: silentLogger });
    const review = config.sources.find((s) => s.id === 'review') as SourceOf<'access-review'>;

    // 2026-10-05 is in the fiscal year's third quarter (April start: Oct–Dec = 2026-Q3).
    const oct5 = new Date('2026-10-05T09:00:00+09:00');
    expect(await starter.due(review, oct5)).toBe('waiting'); // the IdP has not been collected
    expect(existsSync(join(dir, 'sheets'))).toBe(false);

    await runCollection({ config, store, log: silentLogger }, 'hr', { observedAt: new Date('2026-10-05T08:00:00+09:00') });
    await runCollection({ config, store, log: silentLogger }, 'idp', { observedAt: new Date('2026-10-05T08:00:00+09:00') });
    const q3 = await starter.due(review, oct5);
    expect(q3).not.toBe('waiting');
    expect(q3).not.toBe('exists');
    if (typeof q3 === 'string') throw new Error('not started');
    // One active account (bob is disabled), deadline 10-05 + 14 days.
    expect([q3.campaign, q3.written.accounts, q3.deadlineText]).toEqual(['2026-Q3', 1, '2026-10-19']);
    expect(readdirSync(join(dir, 'sheets'))).toEqual(['2026-Q3']);

    // Later in the same quarter: nothing new, whether run restarts or the timer fires.
    expect(await starter.due(review, new Date('2026-12-31T23:59:59+09:00'))).toBe('exists');
    // The next quarter, from its first instant (2027-01-01 00:00 Tokyo): 2026-Q4.
    const q4 = await starter.due(review, new Date('2027-01-01T00:00:00+09:00'));
    expect(typeof q4 === 'string' ? q4 : q4.campaign).toBe('2026-Q4');
    expect(readdirSync(join(dir, 'sheets')).sort()).toEqual(['2026-Q3', '2026-Q4']);
    await store.close();
  });

  it("a campaign started by hand within the period, under another name, counts as the period's", async () => {
    const d = mkdtempSync(join(dir, 'manual-'));
    writeFileSync(join(d, 'isms.yaml'), yaml);
    writeFileSync(join(d, 'hr.csv'), 'employeeId,email,department,hireDate\nE1,ann@corp.example,Sales,2020-01-01\n');
    writeFileSync(join(d, 'idp.csv'), 'login,email,enabled\nann@corp.example,ann@corp.example,true\n');
    const config = parseConfig(yaml, join(d, 'isms.yaml'));
    const store = createMemoryStore();
    await runCollection({ config, store, log: silentLogger }, 'idp', { observedAt: new Date('2026-10-01T08:00:00+09:00') });
    const starter = new CampaignStarter({ config, store, log: silentLogger });
    const review = config.sources.find((s) => s.id === 'review') as SourceOf<'access-review'>;
    const { startCampaign } = await import('../../src/access-review/start.ts');
    await startCampaign({ config, store, source: review, at: new Date('2026-10-02T10:00:00+09:00'), campaign: 'autumn-extra', deadline: '2026-10-20' });
    expect(await starter.due(review, new Date('2026-10-03T00:00:00+09:00'))).toBe('exists');
    expect(readdirSync(join(d, 'sheets'))).toEqual(['autumn-extra']);
    await store.close();
  });
});
