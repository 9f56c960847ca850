/**
 * The life of each vulnerability finding, replayed from the stored scan reports as of T — what
 * vulnerability-remediation-sla-rate and open-vulnerability-count are computed from (KPIS.md).
 *
 * A finding is (asset, vulnerability id, package or port). It is first seen at the scan time of
 * the first report of its asset that lists it, and fixed at the scan time of the first later
 * report of the same asset that no longer lists it; a report of another asset says nothing about
 * it. Assets are told apart per source (two scanners pointed at one host are two report series:
 * a Trivy report does not list Nessus's findings, and must not close them).
 *
 * Decisions where KPIS.md leaves room:
 * - **Re-introduced**: a finding fixed and then listed again by a later report of its asset is a
 *   new finding, first seen at that later scan, with a deadline of its own; the earlier one stays
 *   fixed when it was fixed.
 * - **Severity**: the one in the newest report listing the finding (a rescored finding takes its
 *   new deadline, counted from when it was first seen).
 * - A report with no findings is a clean scan: every open finding of its asset is fixed then.
 * - Reports of one asset at the same scan time (two files of one scan) are one snapshot: their
 *   findings are united.
 * - A report scanned after T is not known at T, even if collected before.
 * - A report stored in parts is used only once all its parts are read; an incomplete one (a
 *   collection interrupted half-way, read again by the next run) is left out and reported.
 *
 * Memory grows with open findings, not with reports: reports are streamed in the store's order,
 * which for one collection run is by asset and scan time (the facts' keys), so each asset keeps
 * only its open findings and the report being read. A report that arrives older than one
 * already applied to its asset (backfilled in a later run) marks that asset for a second pass,
 * in which only its reports are read, sorted and replayed.
 */
import { reason } from './reason.ts';
import type { FactRow } from '../evidence/store.ts';
import type { FailingSubject } from './types.ts';
import type { RecordKinds } from '../evidence/records.ts';
import { toMillis } from './time.ts';

type ScanRecord = RecordKinds['asset-scan'];
type Finding = ScanRecord['findings'][number];
export type Severity = Finding['severity'];

/** One finding from first seen to fixed (or still open in its asset's newest report). */
export interface FindingEpisode {
  /** The asset's identity (source and normalised name), as `discard` names it. */
  assetKey: string;
  source: string;
  asset: string;
  id: string;
  pkg?: string;
  port?: string;
  severity: Severity;
  cvss?: number;
  installed?: string;
  fixed?: string;
  title?: string;
  cves?: string[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** Undefined: listed by the asset's newest report as of T (open). */
  fixedAtMs?: number;
}

/** What is known of one asset (per source) as of T. */
export interface AssetSummary {
  assetKey: string;
  source: string;
  asset: string;
  /** Other names seen in its reports (addresses, FQDNs), for matching an inventory. */
  names: string[];
  scans: number;
  lastScanMs: number;
  /** Findings its newest report lists. */
  open: number;
}

export interface ReplaySink {
  /** Each fixed finding as soon as it is fixed, then every open one at the end. */
  episode(e: FindingEpisode): void;
  /** Every asset with at least one complete report, at the end. */
  asset?(a: AssetSummary): void;
  /**
   * The asset's reports came out of scan order: forget the episodes already given for it; they
   * come again, in order, from the second pass. (Fixed findings are handed on as they are fixed,
   * so that memory never holds them; a sink keeps what it derives from them per asset.)
   */
  discard(assetKey: string): void;
}

export interface ReplayOutcome {
  /** Reports left out because some of their parts were missing. */
  incomplete: { source: string; asset: string; scanAt: string; file: string }[];
  /** Assets whose reports arrived out of scan order and were replayed in a second pass. */
  replayed: number;
}

interface Pending {
  scanMs: number;
  reports: Map<string, { parts: number; got: Set<number>; file: string; findings: Finding[] }>;
}

interface AssetState {
  key: string;
  source: string;
  asset: string;
  names: Set<string>;
  open: Map<string, FindingEpisode>;
  lastMs: number;
  scans: number;
  pending?: Pending;
}

const keyOf = (f: Pick<Finding, 'id' | 'pkg' | 'port'>) => `${f.id}\u001f${f.pkg ?? ''}\u001f${f.port ?? ''}`;

/** An asset's identity: its source and its name compared trimmed and case-insensitively. */
export const assetKey = (source: string, asset: string): string => `${source}\u001f${normAsset(asset)}`;

/** Asset names (and inventory ids and host names) compare after NFKC, trimmed, case-folded. */
export function normAsset(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

class Replayer {
  readonly states = new Map<string, AssetState>();
  readonly dirty = new Set<string>();
  readonly incomplete: ReplayOutcome['incomplete'] = [];

  constructor(
    private readonly atMs: number,
    private readonly sink: ReplaySink,
    /** In the second pass every row is in order, so none can be out of order. */
    private readonly strict: boolean,
    /** A scan time without an offset is read in this zone (the organisation's, KPIS.md). */
    private readonly zone: string,
  ) {}

  row(source: string, r: ScanRecord): void {
    const scanMs = toMillis(r.scanAt, this.zone);
    if (Number.isNaN(scanMs) || scanMs > this.atMs) return;
    const k = assetKey(source, r.asset);
    if (this.dirty.has(k)) return;
    let s = this.states.get(k);
    if (!s) this.states.set(k, (s = { key: k, source, asset: r.asset, names: new Set(), open: new Map(), lastMs: Number.NEGATIVE_INFINITY, scans: 0 }));
    const p = s.pending;
    if (p && scanMs === p.scanMs) this.addPart(p, r);
    else if ((p ? scanMs > p.scanMs : scanMs > s.lastMs) || this.strict) {
      if (p) this.apply(s, p);
      s.pending = { scanMs, reports: new Map() };
      this.addPart(s.pending, r);
    } else {
      // Older than what this asset already holds: replay the asset in scan order afterwards.
      this.dirty.add(k);
      this.states.delete(k);
      this.sink.discard(k);
      return;
    }
    for (const n of r.names ?? []) s.names.add(n);
  }

  private addPart(p: Pending, r: ScanRecord): void {
    let rep = p.reports.get(r.report);
    if (!rep) p.reports.set(r.report, (rep = { parts: r.parts, got: new Set(), file: r.file, findings: [] }));
    if (rep.got.has(r.part)) return;
    rep.got.add(r.part);
    for (const f of r.findings) rep.findings.push(f);
  }

  /** Apply one snapshot of an asset: close what it no longer lists, open what it newly lists. */
  private apply(s: AssetState, p: Pending): void {
    const listed = new Map<string, Finding>();
    let complete = 0;
    for (const rep of p.reports.values()) {
      if (rep.got.size < rep.parts) {
        this.incomplete.push({ source: s.source, asset: s.asset, scanAt: new Date(p.scanMs).toISOString(), file: rep.file });
        continue;
      }
      complete++;
      for (const f of rep.findings) {
        const k = keyOf(f);
        const old = listed.get(k);
        if (!old || rank(f.severity) > rank(old.severity)) listed.set(k, f);
      }
    }
    s.pending = undefined;
    if (complete === 0) return;
    for (const [k, e] of s.open) {
      if (listed.has(k)) continue;
      e.fixedAtMs = p.scanMs;
      s.open.delete(k);
      this.sink.episode(e);
    }
    for (const [k, f] of listed) {
      const e = s.open.get(k);
      if (e) {
        e.lastSeenMs = p.scanMs;
        refresh(e, f);
      } else {
        const n: FindingEpisode = { assetKey: s.key, source: s.source, asset: s.asset, id: f.id, severity: f.severity, firstSeenMs: p.scanMs, lastSeenMs: p.scanMs };
        if (f.pkg !== undefined) n.pkg = f.pkg;
        if (f.port !== undefined) n.port = f.port;
        refresh(n, f);
        s.open.set(k, n);
      }
    }
    s.lastMs = p.scanMs;
    s.scans++;
  }

  finish(): void {
    for (const s of this.states.values()) {
      if (s.pending) this.apply(s, s.pending);
      if (s.scans === 0) continue;
      for (const e of s.open.values()) this.sink.episode(e);
      this.sink.asset?.({ assetKey: s.key, source: s.source, asset: s.asset, names: [...s.names].sort(), scans: s.scans, lastScanMs: s.lastMs, open: s.open.size });
    }
  }
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };
export function rank(s: Severity): number {
  return RANK[s] ?? 0;
}

/** The newest listing's severity, score, versions and title. */
function refresh(e: FindingEpisode, f: Finding): void {
  e.severity = f.severity;
  if (f.cvss !== undefined) e.cvss = f.cvss;
  else delete e.cvss;
  if (f.installed !== undefined) e.installed = f.installed;
  if (f.fixed !== undefined) e.fixed = f.fixed;
  if (f.title !== undefined) e.title = f.title;
  if (f.cves !== undefined) e.cves = f.cves;
}

/**
 * Replay every report as of `atMs`. `read` is called once, and once more when some asset's
 * reports came out of scan order (for that asset's reports only). A scan time without an offset
 * is read in `zone` (pass the organisation's).
 */
export async function replayFindings(read: () => AsyncIterable<FactRow<'asset-scan'>>, atMs: number, sink: ReplaySink, zone = 'UTC'): Promise<ReplayOutcome> {
  const first = new Replayer(atMs, sink, false, zone);
  for await (const row of read()) first.row(row.source, row.data);
  first.finish();
  const outcome: ReplayOutcome = { incomplete: first.incomplete, replayed: first.dirty.size };
  if (first.dirty.size === 0) return outcome;
  const rows: { source: string; data: ScanRecord; ms: number }[] = [];
  for await (const row of read()) {
    if (first.dirty.has(assetKey(row.source, row.data.asset))) rows.push({ source: row.source, data: row.data, ms: toMillis(row.data.scanAt, zone) });
  }
  rows.sort((a, b) => a.ms - b.ms || (a.data.report < b.data.report ? -1 : a.data.report > b.data.report ? 1 : a.data.part - b.data.part));
  const second = new Replayer(atMs, sink, true, zone);
  for (const r of rows) second.row(r.source, r.data);
  second.finish();
  outcome.incomplete.push(...second.incomplete);
  return outcome;
}

/** Per-asset parts of a sum, so that an asset's share can be discarded (ReplaySink.discard). */
export class PerAsset<T> {
  private readonly parts = new Map<string, T>();
  constructor(private readonly make: () => T) {}
  of(key: string): T {
    let t = this.parts.get(key);
    if (t === undefined) this.parts.set(key, (t = this.make()));
    return t;
  }
  discard(key: string): void {
    this.parts.delete(key);
  }
  values(): IterableIterator<T> {
    return this.parts.values();
  }
}

/** Reports left out because parts were missing, as notes of a result. */
export function incompleteNotes(outcome: ReplayOutcome): FailingSubject[] {
  return outcome.incomplete.map((i) => ({
    type: 'asset',
    id: i.asset,
    ...reason('assetIncompleteReport', { scanAt: i.scanAt }),
    details: { source: i.source, scanAt: i.scanAt, file: i.file },
  }));
}
