/**
 * The example organisation end to end: collect config/example.yaml's committed exports as of
 * their export instant, evaluate at T, and compare with the values worked out by hand in
 * test/fixtures/example-expected.md (never with the program's own output).
 */
import { reasonText } from '../../src/i18n/reasons.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/collectors/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { STORE_FACTORIES, type StoreHandle } from '../evidence/helpers/stores.ts';
import { pgDatabase } from '../helpers/pg-database.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../src/kpi/types.ts';

const REPO = join(import.meta.dirname, '..', '..');
const CONFIG = join(REPO, 'config', 'example.yaml');
const EXPORTED = '2026-11-19T09:00:00+09:00';
const T = '2026-11-20T12:00:00+09:00';

/** Hand-computed in example-expected.md, objective by objective. */
const EXPECTED = {
  'stale-accounts': { kpi: 'stale-account-deletion-rate', numerator: 12, denominator: 26, status: 'missed', from: '2026-10-01' },
  'security-training': { kpi: 'training-completion-rate', numerator: 250, denominator: 264, status: 'missed', from: '2026-04-01' },
  'phishing-drill': { kpi: 'phishing-click-rate', numerator: 33, denominator: 445, status: 'met', from: '2026-04-01' },
  mfa: { kpi: 'mfa-coverage', numerator: 267, denominator: 276, status: 'missed', from: '2026-11-01' },
  'incident-reporting': { kpi: 'incident-report-sla-rate', numerator: 10, denominator: 12, status: 'at_risk', from: '2026-04-01' },
  // Section 6: messages #2, #3, #5, #7, #10, #11 in the population; #3, #7, #11 miss.
  'attachment-encryption': { kpi: 'encryption-miss-rate', numerator: 3, denominator: 6, status: 'missed', from: '2026-10-01' },
  // Issue 13 (example-expected.md §7–11). Count KPIs give their count as the value.
  'scan-coverage': { kpi: 'scan-coverage-rate', numerator: 4, denominator: 6, status: 'missed', from: '2026-10-01' },
  'quarterly-scans': { kpi: 'activity-cadence-rate', numerator: 2, denominator: 2, status: 'met', from: '2026-04-01' },
  'open-criticals': { kpi: 'open-vulnerability-count', numerator: 3, denominator: 5, status: 'missed', from: '2026-10-01', value: 3 },
  'mis-sent': { kpi: 'incident-count', numerator: 2, denominator: 14, status: 'missed', from: '2026-04-01', value: 2 },
  'log-review': { kpi: 'activity-cadence-rate', numerator: 5, denominator: 7, status: 'missed', from: '2026-04-01' },
  // Issue 14 (example-expected.md §12–17): the access review, removable media, the phishing follow-up.
  'access-review': { kpi: 'access-review-completion-rate', numerator: 282, denominator: 290, status: 'at_risk', from: '2026-10-01' },
  'access-review-removals': { kpi: 'access-review-removal-rate', numerator: 3, denominator: 6, status: 'missed', from: '2026-10-01' },
  'unapproved-usb': { kpi: 'unapproved-removable-media-count', numerator: 4, denominator: 9, value: 4, status: 'missed', from: '2026-10-01' },
  'usb-approval': { kpi: 'removable-media-approval-rate', numerator: 5, denominator: 9, status: 'missed', from: '2026-10-01' },
  'phishing-repeaters': { kpi: 'phishing-repeat-clicker-count', numerator: 3, denominator: 60, value: 3, status: 'missed', from: '2025-11-20T12:00' },
  'phishing-retraining': { kpi: 'post-click-training-rate', numerator: 9, denominator: 14, status: 'missed', from: '2025-11-20T12:00' },
} as const;

/** The value the definition gives: the ratio, or for a count KPI the count. */
const valueOf = (e: { numerator: number; denominator: number; value?: number }): number => e.value ?? e.numerator / e.denominator;

const at = (local: string): string => `${local}@example.co.jp`;
const FAILING = {
  'stale-accounts': [
    'adm.naoki.kato', 'kumiko.saito', 'yui.matsumoto', 'akemi.shimizu', 'yamada-t', 'mayumi.hasegawa', 'mayumi.yamazaki',
    'aya.hashimoto', 'megumi.sato', 'hiroshi.yamashita', 'yumi.nakamura', 'test01', 'haken.kimura', 'kenshu-user',
  ].map(at),
  'security-training': [
    'daiki.inoue2', 'ren.kato', 'ryo.takahashi2', 'yuma.maeda', 'sakura.endo', 'takuya.sakamoto', 'aya.murakami',
    'tsuyoshi.yamashita2', 'mayumi.saito', 'aya.hashimoto', 'megumi.sato', 'hiroshi.yamashita', 'yumi.nakamura', 'naoki.hasegawa',
  ].map(at),
  mfa: ['akemi.sasaki', 'megumi.suzuki', 'ai.kondo', 'aya.hashimoto', 'megumi.sato', 'naomi.watanabe', 'hiroshi.nakajima', 'test01', 'kenshu-user'].map(at),
  'incident-reporting': ['INC-2026-005', 'INC-2026-011'],
  'attachment-encryption': ['20261105143048.D7B11E', '20261112130016.0844D1', '20261118181029.ED2FA6'].map((id) => `${id}@mail.example.co.jp`),
  'scan-coverage': ['APP-CRM', 'SRV-FS01'],
  'open-criticals': ['ghcr.io/sample-kk/api: CVE-2026-2001 (libc6)', 'ghcr.io/sample-kk/batch: CVE-2026-3001 (curl)', 'ghcr.io/sample-kk/legacy-crm: CVE-2026-5001 (struts2-core (WEB-INF/lib/struts2-core-2.5.30.jar))'],
  'mis-sent': ['INC-2026-002', 'INC-2026-010'],
  'log-review': ['月次ログレビュー 2026-07-01/2026-07-31', '月次ログレビュー 2026-09-01/2026-09-30'],
  // Issue 14 (§12–17).
  'access-review': ['akemi.hasegawa', 'hina.inoue', 'makoto.matsumoto', 'akemi.yoshida', 'hiroshi.mori', 'mayumi.ogawa', 'aya.yoshida2', 'ken.hashimoto'].map(at),
  'access-review-removals': ['mayumi.yamazaki', 'mayumi.hasegawa', 'test01'].map(at),
  'unapproved-usb': ['host dev-build01', at('naomi.mori'), at('ken.hashimoto2'), at('sakura.kimura')],
  'usb-approval': ['host dev-build01', at('naomi.mori'), at('ken.hashimoto2'), at('sakura.kimura')],
  'phishing-repeaters': ['kumiko.aoki', 'yuma.endo', 'mayumi.abe'].map(at),
  'phishing-retraining': ['yumi.yamashita', 'makoto.watanabe2', 'yoko.murakami', 'daiki.inoue2', 'kumiko.aoki'].map(at),
};

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };

for (const factory of STORE_FACTORIES) {
  describe(`the example organisation, collected and evaluated in process (${factory.name} store)`, () => {
    let handle: StoreHandle;
    let store: EvidenceStore;
    let results: KpiResult[];

    beforeAll(async () => {
      const config = loadConfig(CONFIG, {});
      handle = await factory.create();
      store = handle.store;
      for (const s of config.sources) {
        const run = await runCollection({ config, store, log: quiet }, s.id, { observedAt: new Date(EXPORTED) });
        expect({ source: s.id, rejected: run.rejected }).toEqual({ source: s.id, rejected: 0 });
        // Section 6: 11 messages in the journal, the inbound one (#9) not stored.
        if (s.kind === 'mail-journal') expect(run.accepted).toBe(10);
      }
      results = await evaluateObjectives(store, config, new Date(T));
    });
    afterAll(async () => {
      await handle?.cleanup();
    });

    for (const [id, e] of Object.entries(EXPECTED)) {
      it(`${id}: ${e.numerator}/${e.denominator}, ${e.status}`, () => {
        const r = results.find((x) => x.objective === id);
        expect(r).toBeDefined();
        expect({ kpi: r!.kpi, numerator: r!.numerator, denominator: r!.denominator, status: r!.status }).toEqual({
          kpi: e.kpi, numerator: e.numerator, denominator: e.denominator, status: e.status,
        });
        expect(r!.value).toBeCloseTo(valueOf(e), 12);
        expect(Date.parse(r!.period.from)).toBe(Date.parse(e.from.includes('T') ? `${e.from}:00+09:00` : `${e.from}T00:00:00+09:00`));
        expect(Date.parse(r!.period.to)).toBe(Date.parse(T));
      });
    }

    for (const [id, ids] of Object.entries(FAILING)) {
      it(`${id}: the failing subjects are the ones the design put there`, () => {
        const r = results.find((x) => x.objective === id)!;
        expect(r.failing.map((f) => f.id).sort()).toEqual([...ids].sort());
      });
    }

    it('phishing: 33 failing recipients, none of them from the March campaign (previous fiscal year)', () => {
      const r = results.find((x) => x.objective === 'phishing-drill')!;
      const perCampaign: Record<string, number> = {};
      for (const f of r.failing) perCampaign[String(f.details.campaign)] = (perCampaign[String(f.details.campaign)] ?? 0) + 1;
      expect(perCampaign).toEqual({ '2026年6月 標的型メール訓練（賞与明細）': 18, '2026年10月 標的型メール訓練（パスワード期限切れ）': 15 });
    });

    it('the access review\'s reasons and the removal exactly at its grace\'s end (sections 12, 13)', () => {
      const r = results.find((x) => x.objective === 'access-review')!;
      const reasons = Object.fromEntries(r.failing.map((f) => [f.id, f.reason]));
      expect([reasons[at('akemi.yoshida')], reasons[at('hiroshi.mori')], reasons[at('mayumi.ogawa')]]).toEqual([1, 2, 5].map((d) => `decided late, ${d} day(s) after the deadline`));
      expect([reasons[at('aya.yoshida2')], reasons[at('hina.inoue')]]).toEqual(['reviewed by its own owner', 'no decision']);
      const removals = results.find((x) => x.objective === 'access-review-removals')!;
      expect(removals.failing.map((f) => [f.id, f.details.daysOverdue]).sort()).toEqual([[at('mayumi.hasegawa'), 45], [at('mayumi.yamazaki'), 2], [at('test01'), 42]]);
    });

    it('the device used on two hosts is one device-day listing both (section 14)', () => {
      const r = results.find((x) => x.objective === 'unapproved-usb')!;
      expect(r.failing.find((f) => f.id === at('ken.hashimoto2'))!.details.hosts).toEqual(['pc-1005.example.co.jp', 'pc-share01.example.co.jp']);
    });

    it('issue 13: what is listed apart — legacy-crm not scanned recently, the running quarter and month', () => {
      const notes = (id: string) => results.find((x) => x.objective === id)!.notes?.map((n) => n.id) ?? [];
      expect(notes('open-criticals')).toEqual(['ghcr.io/sample-kk/legacy-crm']);
      expect(notes('quarterly-scans')).toEqual(['脆弱性スキャン 2026-10-01/2026-12-31']);
      expect(notes('log-review')).toEqual(['月次ログレビュー 2026-11-01/2026-11-30']);
      const late = results.find((x) => x.objective === 'log-review')!.failing.map((f) => reasonText(f, 'ja'));
      // The example organisation reads Japanese ("performed late on …").
      expect(late).toEqual(['2026-08-10 に遅れて実施', '2026-10-08 に遅れて実施']);
    });

    it('every failing and listed-apart subject carries a reason code: `reason` in English, read in Japanese through the code', () => {
      const subjects = results.flatMap((r) => [...r.failing, ...(r.notes ?? [])].map((f) => ({ objective: r.objective, f })));
      expect(subjects.length).toBeGreaterThan(0);
      expect(subjects.filter(({ f }) => !f.reasonCode).map(({ objective, f }) => `${objective}: ${f.id}`)).toEqual([]);
      // Each code has its Japanese text.
      for (const { f } of subjects) expect(reasonText(f, 'ja')).not.toBe('');
    });

    it('the late leavers are 3 days 10 hours overdue, rounded up to 4 days', () => {
      const r = results.find((x) => x.objective === 'stale-accounts')!;
      const late = r.failing.filter((f) => f.id === at('kumiko.saito') || f.id === at('yui.matsumoto'));
      expect(late.map((f) => f.details.daysOverdue)).toEqual([4, 4]);
      const alias = r.failing.find((f) => f.id === at('yamada-t'))!;
      expect(alias.details.owner).toBe(at('taro.yamada'));
    });
  });
}

describe('the example organisation through the CLI', () => {
  const exec = promisify(execFile);
  let dir: string;
  let config: string;

  beforeAll(() => {
    // Same config, with a private data directory and the example data by absolute path.
    dir = mkdtempSync(join(tmpdir(), 'isms-example-cli-'));
    config = join(dir, 'example.yaml');
    const text = readFileSync(CONFIG, 'utf8')
      .replaceAll('path: example-data/', `path: ${join(REPO, 'config', 'example-data')}/`)
      .replaceAll('paths: [example-data/', `paths: [${join(REPO, 'config', 'example-data')}/`)
      .replaceAll('outputDir: example-data/', `outputDir: ${join(REPO, 'config', 'example-data')}/`)
      .replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`);
    writeFileSync(config, text);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (env: Record<string, string>, ...args: string[]) =>
    exec(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env } });

  for (const store of ['sqlite', 'postgres'] as const) it(`\`collect --observed-at\` then \`evaluate --format json --at T\` gives the hand-computed values (${store}: ${store === 'sqlite' ? 'the data directory' : 'DATABASE_URL set'})`, async () => {
    const env: Record<string, string> = store === 'sqlite' ? {} : { DATABASE_URL: await pgDatabase('example') };
    const c = await cli(env, 'collect', '-c', config, '--observed-at', EXPORTED, '--log-level', 'silent');
    // The URL carries the test role's password: no output may show it.
    if (env.DATABASE_URL) expect(c.stdout + c.stderr).not.toContain(new URL(env.DATABASE_URL).password);
    const { stdout } = await cli(env, 'evaluate', '-c', config, '--at', T, '--format', 'json', '--log-level', 'silent');
    const out = JSON.parse(stdout) as { evaluatedAt: string; objectives: { id: string; kpi: string; value: number | null; numerator: number; denominator: number; status: string; direction: string; target: number }[] };
    expect(Date.parse(out.evaluatedAt)).toBe(Date.parse(T));
    expect(out.objectives.map((o) => o.id)).toEqual(Object.keys(EXPECTED));
    for (const o of out.objectives) {
      const e = EXPECTED[o.id as keyof typeof EXPECTED];
      expect({ id: o.id, kpi: o.kpi, numerator: o.numerator, denominator: o.denominator, status: o.status }).toEqual({
        id: o.id, kpi: e.kpi, numerator: e.numerator, denominator: e.denominator, status: e.status,
      });
      expect(o.value).toBeCloseTo(valueOf(e), 12);
    }
  }, 60_000);
});
