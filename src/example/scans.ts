/**
 * The example organisation's vulnerability scans, asset inventory and activity register (issue
 * 13), as plain data, and the writers that turn them into the files the real tools write: one
 * Trivy JSON report per scan (SchemaVersion 2, as a nightly CI job writes with
 * `trivy image -f json -o reports/<date>-<app>.json`), a CMDB export of the assets (UTF-8 with
 * BOM) and the register of recurring controls done (UTF-8 with BOM, Japanese headers).
 *
 * Built by construction, like the rest of the organisation: the critical findings, the scan
 * dates and the register rows that the objectives count are fixed (days before the export date),
 * so test/fixtures/example-expected.md can work the values out by hand; the background findings
 * (high, medium and low only, so they change no count) are drawn from a PRNG of its own, seeded
 * from the organisation's seed, so that adding these files changes nothing else the generator
 * writes. The design does not grow with the number of people: a handful of applications.
 */
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { Organisation } from './model.ts';
import { mulberry32, type Rng } from './prng.ts';
import { FileSink, csvLine } from './sink.ts';
import { DAY_MS, HOUR_MS, jstDate, slashDate, jstSlashMinute } from './time.ts';

export const SCAN_DIR = 'trivy';
export const INVENTORY_FILE = 'asset-inventory.csv';
export const REGISTER_FILE = 'activity-register.csv';
export const IMAGE_REGISTRY = 'ghcr.io/sample-kk';

interface Finding {
  id: string;
  pkg: string;
  installed: string;
  fixed?: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  score: number;
  title: string;
}

export interface ExampleScan {
  app: string;
  /** Scan time (epoch ms). */
  at: number;
  file: string;
  findings: Finding[];
}

/** Days before the export date of each application's scans (all at 03:00 JST, the nightly CI run). */
const SCAN_DAYS: Readonly<Record<string, readonly number[]>> = {
  // 06-10, 07-10, 08-10, 09-10, 10-10, 11-10
  web: [162, 132, 101, 70, 40, 9],
  // 06-11 … 11-11, and 11-18
  api: [161, 131, 100, 69, 39, 8, 1],
  // 06-12, 08-12, 10-12
  batch: [160, 99, 38],
  // 06-13, 09-13 (quarterly)
  intranet: [159, 67],
  // 06-14, 07-14, then no more scans: the application was left running unscanned
  'legacy-crm': [158, 128],
};

/** The critical findings the objectives count: which scans (by index in SCAN_DAYS) list them. */
const CRITICALS: readonly { app: string; listedIn: readonly number[]; f: Omit<Finding, 'severity' | 'score'> }[] = [
  // First seen 09-10, gone from the 10-10 report: fixed.
  { app: 'web', listedIn: [3], f: { id: 'CVE-2026-1001', pkg: 'libssl3', installed: '3.0.13-1~deb12u1', fixed: '3.0.14-1~deb12u1', title: 'openssl: buffer overread in SSL_select_next_proto' } },
  // First seen 11-10: its deadline (11-25) is still to come.
  { app: 'web', listedIn: [5], f: { id: 'CVE-2026-1002', pkg: 'libxml2', installed: '2.9.14+dfsg-1.3', fixed: '2.9.14+dfsg-1.3~deb12u2', title: 'libxml2: use-after-free in xmlValidatePopElement' } },
  // First seen 10-11, still listed 11-11 and 11-18: past its deadline 10-26.
  { app: 'api', listedIn: [4, 5, 6], f: { id: 'CVE-2026-2001', pkg: 'libc6', installed: '2.36-9+deb12u7', fixed: '2.36-9+deb12u9', title: 'glibc: stack overflow in getaddrinfo' } },
  // Listed 06-12, fixed by 08-12, listed again 10-12: a new finding, past its deadline 10-27.
  { app: 'batch', listedIn: [0, 2], f: { id: 'CVE-2026-3001', pkg: 'curl', installed: '7.88.1-10+deb12u5', fixed: '7.88.1-10+deb12u8', title: 'curl: heap overflow in SOCKS5 proxy handshake' } },
  // Listed 06-14 and 07-14, the last scans: still open, past its deadline 06-29.
  { app: 'legacy-crm', listedIn: [0, 1], f: { id: 'CVE-2026-5001', pkg: 'struts2-core (WEB-INF/lib/struts2-core-2.5.30.jar)', installed: '2.5.30', fixed: '6.4.0', title: 'Apache Struts: file upload path traversal' } },
];

const PACKAGES = ['bash', 'coreutils', 'libssl3', 'zlib1g', 'libsqlite3-0', 'perl-base', 'tar', 'libgnutls30', 'libkrb5-3', 'libpam0g', 'ncurses-base', 'util-linux', 'libtiff6', 'libexpat1', 'libcurl4'];
const BACKGROUND: readonly ['HIGH' | 'MEDIUM' | 'LOW', number][] = [['HIGH', 7.5], ['MEDIUM', 5.3], ['MEDIUM', 4.7], ['LOW', 3.3], ['LOW', 2.5]];

function scanFile(app: string, at: number): string {
  return `${SCAN_DIR}/${jstDate(at)}-${app}.json`;
}

/** The scans: per application, its designed criticals plus a persistent background of lesser findings. */
export function buildScans(org: Pick<Organisation, 'exportedAt'>, seed: number): ExampleScan[] {
  const rng: Rng = mulberry32((seed ^ 0x5ca17) >>> 0);
  const D = Math.floor((org.exportedAt + 9 * HOUR_MS) / DAY_MS) * DAY_MS - 9 * HOUR_MS;
  const out: ExampleScan[] = [];
  for (const [app, days] of Object.entries(SCAN_DAYS)) {
    // Each background finding is listed from one scan to another (a fix or an upgrade ends it).
    const pool = Array.from({ length: 24 }, (_, i) => {
      const [severity, score] = rng.pick(BACKGROUND);
      const from = rng.int(0, days.length - 1);
      return {
        from,
        to: rng.chance(0.6) ? days.length : rng.int(from + 1, days.length),
        f: { id: `CVE-2025-${String(rng.int(20000, 59999))}`, pkg: rng.pick(PACKAGES), installed: `1.${i}.${rng.int(0, 9)}`, ...(rng.chance(0.7) ? { fixed: `1.${i}.${rng.int(10, 19)}` } : {}), severity, score, title: `${rng.pick(PACKAGES)}: ${rng.pick(['out-of-bounds read', 'integer overflow', 'denial of service', 'NULL pointer dereference', 'information disclosure'])}` } as Finding,
      };
    });
    days.forEach((d, n) => {
      const at = D - d * DAY_MS + 3 * HOUR_MS + rng.int(0, 1799) * 1000;
      const findings: Finding[] = [];
      for (const c of CRITICALS) if (c.app === app && c.listedIn.includes(n)) findings.push({ ...c.f, severity: 'CRITICAL', score: 9.8 });
      const seen = new Set(findings.map((f) => `${f.id} ${f.pkg}`));
      for (const p of pool) {
        if (n < p.from || n >= p.to || seen.has(`${p.f.id} ${p.f.pkg}`)) continue;
        seen.add(`${p.f.id} ${p.f.pkg}`);
        findings.push(p.f);
      }
      out.push({ app, at, file: scanFile(app, at), findings });
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** A Trivy report as `trivy image -f json` writes it (SchemaVersion 2, CreatedAt in UTC with nanoseconds). */
export function trivyJson(s: ExampleScan): string {
  const tag = jstDate(s.at).replaceAll('-', '.');
  const image = `${IMAGE_REGISTRY}/${s.app}:${tag}`;
  const doc = {
    SchemaVersion: 2,
    CreatedAt: `${new Date(s.at).toISOString().slice(0, 19)}.${String(s.at % 1000).padStart(3, '0')}000000Z`,
    ArtifactName: image,
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'debian', Name: '12.5' }, RepoTags: [image] },
    Results: [
      {
        Target: `${image} (debian 12.5)`,
        Class: 'os-pkgs',
        Type: 'debian',
        ...(s.findings.length > 0
          ? {
              Vulnerabilities: s.findings.map((f) => ({
                VulnerabilityID: f.id,
                PkgName: f.pkg,
                InstalledVersion: f.installed,
                ...(f.fixed ? { FixedVersion: f.fixed, Status: 'fixed' } : { Status: 'affected' }),
                SeveritySource: 'nvd',
                Title: f.title,
                Severity: f.severity,
                CVSS: { nvd: { V3Score: f.score } },
              })),
            }
          : {}),
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function writeScans(scans: readonly ExampleScan[], dir: string): Record<string, number> {
  mkdirSync(join(dir, SCAN_DIR), { recursive: true });
  const bytes: Record<string, number> = {};
  for (const s of scans) {
    const sink = new FileSink(join(dir, s.file), 'utf8');
    sink.write(trivyJson(s));
    sink.close();
    // Dated as the scanner left it, a minute after the scan: a report written just now could
    // still be being written, and the collector leaves such files for its next run.
    const done = new Date(s.at + 60_000);
    utimesSync(join(dir, s.file), done, done);
    bytes[s.file] = sink.bytes;
  }
  return bytes;
}

// ---------- asset inventory ----------

export const INVENTORY_HEADERS = ['資産番号', 'ホスト名', '管理者', '部署', '利用開始日', '利用終了日'] as const;

/** The CMDB's assets: the five applications, a file server Trivy never scans, an application retired in March. */
export function inventoryRows(org: Pick<Organisation, 'people' | 'fiscalYearStart'>): string[][] {
  const admin = org.people.find((p) => p.case === 'it-admin');
  const owner = admin?.email ?? '';
  const fy = jstDate(org.fiscalYearStart).slice(0, 4);
  const since = slashDate(`${Number(fy) - 2}-04-01`);
  return [
    ['APP-WEB', `${IMAGE_REGISTRY}/web`, owner, '情報システム部', since, ''],
    ['APP-API', `${IMAGE_REGISTRY}/api`, owner, '情報システム部', since, ''],
    ['APP-BATCH', `${IMAGE_REGISTRY}/batch`, owner, '情報システム部', since, ''],
    ['APP-INTRA', `${IMAGE_REGISTRY}/intranet`, owner, '総務部', since, ''],
    ['APP-CRM', `${IMAGE_REGISTRY}/legacy-crm`, owner, '営業部', since, ''],
    ['SRV-FS01', 'fileserver01.example.co.jp 10.0.1.5', owner, '情報システム部', since, ''],
    ['APP-PORTAL', `${IMAGE_REGISTRY}/old-portal`, owner, '総務部', since, slashDate(`${fy}-03-31`)],
  ];
}

export function writeInventory(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, INVENTORY_FILE), 'utf8-bom');
  sink.write(csvLine(INVENTORY_HEADERS));
  for (const r of inventoryRows(org)) sink.write(csvLine(r));
  sink.close();
  return sink.bytes;
}

// ---------- activity register ----------

export const REGISTER_HEADERS = ['実施項目', '実施日時', '実施者', '証跡'] as const;
export const LOG_REVIEW = '月次ログレビュー';

/** Days before the export date (10:00 JST) of each performance, by activity. */
const PERFORMED: readonly { activity: string; days: number }[] = [
  // Monthly log review: 04-06; 06-03 (in May's grace); 08-10 (July's, late); 10-08 (September's, late); 11-04.
  { activity: LOG_REVIEW, days: 227 },
  { activity: LOG_REVIEW, days: 169 },
  { activity: LOG_REVIEW, days: 101 },
  { activity: LOG_REVIEW, days: 42 },
  { activity: LOG_REVIEW, days: 15 },
  // Other recurring controls the register holds (no objective of this example counts them).
  { activity: 'アクセス権棚卸', days: 147 },
  { activity: 'アクセス権棚卸', days: 51 },
  { activity: 'バックアップ復元テスト', days: 65 },
];

export function registerRows(org: Pick<Organisation, 'exportedAt' | 'people'>): string[][] {
  const D = Math.floor((org.exportedAt + 9 * HOUR_MS) / DAY_MS) * DAY_MS - 9 * HOUR_MS;
  const admin = org.people.find((p) => p.case === 'it-admin');
  const who = admin ? `${admin.familyKanji}\u3000${admin.givenKanji}` : '';
  return PERFORMED.map((p, i) => [p.activity, jstSlashMinute(D - p.days * DAY_MS + 10 * HOUR_MS), who, `OPS-${jstDate(D - p.days * DAY_MS).slice(0, 4)}-${String(101 + i)}`]);
}

export function writeRegister(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, REGISTER_FILE), 'utf8-bom');
  sink.write(csvLine(REGISTER_HEADERS));
  for (const r of registerRows(org)) sink.write(csvLine(r));
  sink.close();
  return sink.bytes;
}
