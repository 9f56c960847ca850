/**
 * The device-events collector: removable-storage connections → device-day facts, incremental
 * like the access-log collector and on its machinery (file discovery, the per-file checkpoint
 * that survives rotation and `.gz`, line reading by byte range). Line formats (`ecs-json`,
 * `linux-kernel`) are read from where the last run stopped; an export (`defender-csv`,
 * `defender-json`) is read whole when it is new or has changed — its device-days merge
 * idempotently (first takes the min, last the max), so reading a file again never counts twice.
 * The facts, the file checkpoint and the Linux tracker's state commit in one transaction.
 *
 * A file that cannot be read is a failed file of the run (the run is `partial`; it is read
 * again next time), not a failed source, unless no file could be read at all.
 */
import { stat } from 'node:fs/promises';
import type { SourceOf } from '../../config/source-kinds.ts';
import { EvidenceInputError, TransientError } from '../../errors.ts';
import type { FailedFile } from '../../evidence/store.ts';
import { CHECKPOINT_NAME, completeState, failState, parseCheckpoint, planFiles, type FilePlan } from '../access-log/checkpoint.ts';
import { seeFiles } from '../access-log/collector.ts';
import type { LineFn } from '../access-log/lines.ts';
import { lastLineEnd, readGzip, readPlainRange } from '../access-log/read.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import { readTextFile } from '../csv/decode.ts';
import { readCsvRows } from '../csv/read.ts';
import type { CollectContext, Collector, FactsOutput } from '../types.ts';
import { DeviceDayAggregator, deviceDayKey, mergeDeviceDay } from './aggregate.ts';
import { classifyDefenderRow, type DefenderRow } from './defender.ts';
import type { DeviceEvent } from './device.ts';
import { LinuxUsbTracker, parseLinuxUsbLine } from './linux.ts';
import { parseWindowsDeviceLine } from './windows.ts';

type Source = SourceOf<'device-events'>;

/** The checkpoint holding what the Linux tracker knows of devices still plugged in. */
export const PENDING_CHECKPOINT = 'usb-pending';

/** Share of rejected lines above which a file is taken to be in another format. */
const WRONG_FORMAT_SHARE = 0.9;
const WRONG_FORMAT_MIN_LINES = 20;

type DefenderField = keyof DefenderRow;
const DEFENDER_FIELDS: FieldSpecs<DefenderField> = {
  Timestamp: { defaults: ['Timestamp', 'Timestamp (UTC)'], required: true },
  DeviceName: { defaults: ['DeviceName'], required: true },
  ActionType: { defaults: ['ActionType'], required: true },
  AccountName: { defaults: ['AccountName'] },
  AccountUpn: { defaults: ['AccountUpn'] },
  InitiatingProcessAccountName: { defaults: ['InitiatingProcessAccountName'] },
  InitiatingProcessAccountUpn: { defaults: ['InitiatingProcessAccountUpn'] },
  AdditionalFields: { defaults: ['AdditionalFields'], required: true },
};

interface FileResult {
  /** Bytes (decompressed for gzip) read up to; for an export, its size. */
  end: number;
  lines: number;
}

function zoneOf(source: Source, ctx: CollectContext): string {
  return source.timeZone ?? ctx.config.organisation.timeZone;
}

/** Read a line format from the plan's start; every complete line goes through `onLine`. */
async function readLines(p: FilePlan, ctx: CollectContext, onLine: (line: string, n: number) => void): Promise<FileResult> {
  let n = 0;
  const fn: LineFn = (buf, s, e) => onLine(buf.toString('utf8', s, e), ++n);
  if (p.gz) return { end: await readGzip(p.path, p.start, fn, ctx.signal), lines: n };
  const st = await stat(p.path);
  // Only complete lines: a line being written is read next time.
  const end = await lastLineEnd(p.path, st.size, p.start);
  const read = end > p.start ? await readPlainRange(p.path, p.start, end, fn, ctx.signal, p.identity) : 0;
  return { end: p.start + read, lines: n };
}

/** Defender's JSON: an array of rows, the API's `{ Results: [...] }`, or one row per line. */
function defenderJsonRows(text: string): { line: number; row: unknown }[] {
  try {
    const doc: unknown = JSON.parse(text);
    const rows = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? ((doc as Record<string, unknown>).Results ?? (doc as Record<string, unknown>).results) : undefined;
    if (Array.isArray(rows)) return rows.map((row, i) => ({ line: i + 1, row }));
    if (doc && typeof doc === 'object') return [{ line: 1, row: doc }];
  } catch {
    // Not one document: JSON lines.
  }
  const out: { line: number; row: unknown }[] = [];
  text.split('\n').forEach((l, i) => {
    const t = l.trim();
    if (t === '') return;
    try {
      out.push({ line: i + 1, row: JSON.parse(t) });
    } catch {
      out.push({ line: i + 1, row: undefined });
    }
  });
  return out;
}

async function readExport(source: Source, p: FilePlan, ctx: CollectContext, onEvent: (e: DeviceEvent) => void): Promise<FileResult> {
  if (p.gz) throw new EvidenceInputError(p.path, 'a compressed export: decompress it into the folder (only line formats are read from .gz)');
  const opts = { zone: zoneOf(source, ctx), ...(source.dateFormat ? { dateFormat: source.dateFormat } : {}) };
  const size = (await stat(p.path)).size;
  let lines = 0;
  const take = (line: number, row: DefenderRow) => {
    const r = classifyDefenderRow(row, opts);
    if (r === undefined) return;
    if ('reason' in r) ctx.reject({ file: p.path, line, field: r.field, reason: r.reason });
    else onEvent(r);
  };
  if (source.format === 'defender-csv') {
    const { rows } = await readCsvRows(p.path, { encoding: source.encoding, fields: DEFENDER_FIELDS, reject: (r) => ctx.reject(r) });
    for await (const { line, record } of rows as AsyncIterable<{ line: number; record: DefenderRow }>) {
      lines = line;
      take(line, record);
    }
    return { end: size, lines };
  }
  const { text } = await readTextFile(p.path, source.encoding);
  for (const { line, row } of defenderJsonRows(text)) {
    lines = line;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) ctx.reject({ file: p.path, line, reason: 'not a JSON object' });
    else take(line, row as DefenderRow);
  }
  return { end: size, lines };
}

export async function collectDeviceEvents(source: Source, ctx: CollectContext): Promise<FactsOutput<'device-day'>> {
  const zone = zoneOf(source, ctx);
  const prev = parseCheckpoint(await ctx.store.getCheckpoint(source.id, CHECKPOINT_NAME));
  const { seen, unseen } = await seeFiles(source, ctx, prev);
  const { plans, state } = planFiles(prev, seen, ctx.observedAt);
  const agg = new DeviceDayAggregator(ctx.config.organisation.timeZone);
  const tracker = source.format === 'linux-kernel' ? LinuxUsbTracker.restore(await ctx.store.getCheckpoint(source.id, PENDING_CHECKPOINT)) : undefined;
  const failed: FailedFile[] = [...unseen];
  let done = 0;
  for (const p of plans) {
    // A file's connections count only once it has been read to its end.
    const mine = new DeviceDayAggregator(ctx.config.organisation.timeZone);
    const add = (e: DeviceEvent) => mine.add(e, p.path);
    let rejected = 0;
    const reject = (n: number, reason: string) => {
      rejected++;
      ctx.reject({ file: p.path, line: p.startLine + n, reason });
    };
    const trackerBefore = tracker?.state();
    let result: FileResult;
    try {
      if (source.format === 'ecs-json') {
        result = await readLines(p, ctx, (line, n) => {
          const r = parseWindowsDeviceLine(line, zone);
          if (typeof r === 'string') reject(n, r);
          else if (r) add(r);
        });
      } else if (source.format === 'linux-kernel') {
        result = await readLines(p, ctx, (line, n) => {
          const r = parseLinuxUsbLine(line, p.mtimeMs, zone);
          if (typeof r === 'string') reject(n, r);
          else if (r) {
            const e = tracker!.add(r);
            if (e) add(e);
          }
        });
      } else {
        result = await readExport(source, p, ctx, add);
      }
    } catch (cause) {
      if ((cause as Error).name === 'AbortError' || cause instanceof TransientError) throw cause;
      ctx.log.warn({ source: source.id }, 'device event file could not be read');
      failed.push({ file: p.path, error: (cause as Error).message.replace(/^.*?: /, '') });
      failState(state, p.identity);
      if (trackerBefore !== undefined) tracker!.load(trackerBefore);
      continue;
    }
    if (source.format !== 'defender-csv' && source.format !== 'defender-json' && result.lines >= WRONG_FORMAT_MIN_LINES && rejected > result.lines * WRONG_FORMAT_SHARE) {
      failed.push({ file: p.path, error: `${rejected} of ${result.lines} lines are not ${source.format} lines; is the source's format right?` });
      failState(state, p.identity);
      if (trackerBefore !== undefined) tracker!.load(trackerBefore);
      continue;
    }
    for (const r of mine.records()) agg.addRecord(r);
    completeState(state, p.identity, result.end, result.lines);
    done += result.lines;
    ctx.progress(done);
  }
  const present = Object.keys(state.files).filter((id) => !id.includes('#')).length;
  const unseenCount = unseen.length;
  if (failed.length > 0 && failed.length - unseenCount >= present) {
    if (failed.length === 1) throw new EvidenceInputError(failed[0]!.file, failed[0]!.error);
    throw new EvidenceInputError(failed[0]!.file, `no file could be read: ${failed.map((f) => `${f.file}: ${f.error}`).join('; ')}`);
  }
  const checkpoints: Record<string, string> = { [CHECKPOINT_NAME]: JSON.stringify(state) };
  if (tracker) checkpoints[PENDING_CHECKPOINT] = tracker.state();
  return {
    type: 'facts',
    facts: agg.records().map((r) => ({ key: deviceDayKey(r), data: r })),
    merge: mergeDeviceDay,
    checkpoints,
    ...(failed.length ? { failedFiles: failed } : {}),
  };
}

export const deviceEventsCollector: Collector<'device-events', 'device-day'> = {
  sourceKind: 'device-events',
  recordKind: 'device-day',
  collect: collectDeviceEvents,
};
