/**
 * JSON lines in Elastic Common Schema (Filebeat system/auth, Winlogbeat Security). Counted
 * (KPIS.md leaver-activity-count): events with `event.category` authentication and
 * `event.outcome` success or failure; Windows 4624 (logged on) / 4625 (failed) also when an
 * old Winlogbeat wrote neither category nor outcome. Fields may be nested
 * (`{"event":{"outcome":…}}`) or dotted (`{"event.outcome":…}`), as exporters differ.
 *
 * A line is read by ecs-shapes.ts (one regular expression per learned line shape) or else by
 * ecs-scan.ts, which finds the few fields without building the line's object; a line that scan
 * is not sure about (malformed, or a form it leaves alone) goes through JSON.parse and ecsField,
 * which define the answer: all give the same fields for every line they accept (property tests
 * hold them to it).
 */
import type { EcsFields } from './ecs-scan.ts';
import { EcsShapeReader } from './ecs-shapes.ts';
import { parseIsoTime } from './time.ts';

export interface EcsEvent {
  outcome: 'success' | 'failure';
  user: string;
  /** Epoch ms. */
  time: number;
}

export const ECS_REJECT = {
  json: 'not a JSON object',
  time: 'missing or unparseable @timestamp',
  user: 'authentication event without user.name',
} as const;

/** A field by dotted path, whether the document nests it, flattens it, or mixes both. */
export function ecsField(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object') return undefined;
  const o = doc as Record<string, unknown>;
  if (path in o) return o[path];
  let dot = path.indexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (head in o) {
      const v = ecsField(o[head], path.slice(dot + 1));
      if (v !== undefined) return v;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

/**
 * A JSON value as String() writes it, except that an object is always `[object Object]`: String()
 * of an object with its own `toString` or `valueOf` key (`{"toString":1}`) would throw.
 */
function text(x: unknown): string {
  if (x === null || typeof x !== 'object') return String(x);
  if (!Array.isArray(x)) return '[object Object]';
  let out = '';
  for (let i = 0; i < x.length; i++) {
    const item: unknown = x[i];
    if (i > 0) out += ',';
    if (item !== null && item !== undefined) out += text(item);
  }
  return out;
}

/** Whether a value read as a list (an array's items, or the one value) holds `word`. */
function has(v: unknown, word: string): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (text(x) === word) return true;
    return false;
  }
  return v !== undefined && v !== null && text(v) === word;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The fields of a parsed document (the reference the scanner is held to). */
export function ecsFields(doc: unknown): EcsFields {
  return {
    code: ecsField(doc, 'event.code'),
    eventId: ecsField(doc, 'winlog.event_id'),
    category: ecsField(doc, 'event.category'),
    outcome: ecsField(doc, 'event.outcome'),
    type: ecsField(doc, 'event.type'),
    targetUser: ecsField(doc, 'winlog.event_data.TargetUserName'),
    user: ecsField(doc, 'user.name'),
    timestamp: ecsField(doc, '@timestamp'),
  };
}

/** Classify a parsed ECS document; undefined when it is not an authentication outcome. */
export function classifyEcs(doc: unknown, zone: string): EcsEvent | undefined | string {
  return classifyFields(ecsFields(doc), zone);
}

/**
 * Classify an event by its fields; undefined when it is not an authentication outcome. `time`
 * reads an ISO `@timestamp` (the fast reader by default; the reference path passes parseIsoTime).
 */
export function classifyFields(f: EcsFields, zone: string, time: (ts: string, zone: string) => number = ecsTime): EcsEvent | undefined | string {
  const code = str(f.code) ?? str(f.eventId);
  const windows = code === '4624' || code === '4625';
  if (!windows && !has(f.category, 'authentication')) return undefined;
  const given = str(f.outcome);
  let outcome: EcsEvent['outcome'];
  if (given === 'success' || given === 'failure') outcome = given;
  else {
    if (code === '4624' || has(f.type, 'authentication_success')) outcome = 'success';
    else if (code === '4625' || has(f.type, 'authentication_failure')) outcome = 'failure';
    else return undefined;
  }
  // For 4624/4625 the subject is the reporting machine; the target is who logged on.
  const user = (windows ? str(f.targetUser) : undefined) ?? str(f.user);
  if (user === undefined || user === '-') return ECS_REJECT.user;
  const ts = f.timestamp;
  const ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? time(ts, zone) : Number.NaN;
  if (!Number.isFinite(ms)) return ECS_REJECT.time;
  return { outcome, user, time: ms };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `@timestamp` as Beats write it (`2026-03-01T00:30:00.000Z`, or an explicit `±hh:mm` / `±hhmm`
 * offset) read directly; every other form (no offset, so the zone's rules; week dates; a bracketed
 * zone; …) and every out-of-range field goes to parseIsoTime, whose answer this equals (tested).
 */
export function fastIsoTime(t: string, zone: string): number {
  const n = t.length;
  if (n < 20 || t.charCodeAt(4) !== 0x2d || t.charCodeAt(7) !== 0x2d || t.charCodeAt(10) !== 0x54 || t.charCodeAt(13) !== 0x3a || t.charCodeAt(16) !== 0x3a) return parseIsoTime(t, zone);
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 2);
  const d = digits(t, 8, 2);
  const h = digits(t, 11, 2);
  const mi = digits(t, 14, 2);
  const s = digits(t, 17, 2);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return parseIsoTime(t, zone);
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS[mo - 1]! + (leap ? 1 : 0)) return parseIsoTime(t, zone);
  let p = 19;
  let ms = 0;
  if (t.charCodeAt(p) === 0x2e) {
    const f = ++p;
    while (p < n && t.charCodeAt(p) >= 48 && t.charCodeAt(p) <= 57) p++;
    const len = p - f;
    if (len === 0 || len > 9) return parseIsoTime(t, zone);
    // Luxon's own rounding of a fraction (floor of its first three decimals; exact for <= 3 digits).
    ms = len <= 3 ? digits(t, f, len) * (len === 1 ? 100 : len === 2 ? 10 : 1) : Math.floor(Number.parseFloat(`0.${t.slice(f, p)}`) * 1000);
  }
  let offsetMin: number;
  const c = t.charCodeAt(p);
  if (c === 0x5a && p + 1 === n) offsetMin = 0;
  else if ((c === 0x2b || c === 0x2d) && (n - p === 6 || n - p === 5)) {
    const oh = digits(t, p + 1, 2);
    const colon = n - p === 6;
    if (colon && t.charCodeAt(p + 3) !== 0x3a) return parseIsoTime(t, zone);
    const om = digits(t, colon ? p + 4 : p + 3, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return parseIsoTime(t, zone);
    offsetMin = (oh * 60 + om) * (c === 0x2d ? -1 : 1);
  } else return parseIsoTime(t, zone);
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
}

/** The previous line's `@timestamp` (consecutive lines often share it). */
let lastTs = '';
let lastZone = '';
let lastMs = Number.NaN;

function ecsTime(ts: string, zone: string): number {
  if (ts === lastTs && zone === lastZone) return lastMs;
  const ms = fastIsoTime(ts, zone);
  lastTs = ts;
  lastZone = zone;
  lastMs = ms;
  return ms;
}

const reader = new EcsShapeReader();
const scanned: EcsFields = { code: undefined, eventId: undefined, category: undefined, outcome: undefined, type: undefined, targetUser: undefined, user: undefined, timestamp: undefined };

/** Parse one JSON line (see classifyEcs). Blank lines are not events. */
export function parseEcsLine(line: string, zone: string): EcsEvent | undefined | string {
  // A line from `{` to `}` has nothing to trim.
  const t = line.charCodeAt(0) === 0x7b && line.charCodeAt(line.length - 1) === 0x7d ? line : line.trim();
  if (t === '') return undefined;
  if (reader.read(t, scanned)) return classifyFields(scanned, zone);
  const doc = parseDocument(t);
  return doc === undefined ? ECS_REJECT.json : classifyFields(ecsFields(doc), zone);
}

/**
 * The reference the scanner and the fast time reader are held to (tests, benchmark): JSON.parse
 * of the whole line, ecsField for each field, Luxon for the time.
 */
export function parseEcsLineWithJson(line: string, zone: string): EcsEvent | undefined | string {
  const t = line.trim();
  if (t === '') return undefined;
  const doc = parseDocument(t);
  return doc === undefined ? ECS_REJECT.json : classifyFields(ecsFields(doc), zone, parseIsoTime);
}

/** The line's JSON object, or undefined when it is not valid JSON or not an object. */
function parseDocument(t: string): object | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return undefined;
  }
  return doc === null || typeof doc !== 'object' || Array.isArray(doc) ? undefined : doc;
}
