/**
 * JSON lines in Elastic Common Schema (Filebeat system/auth, Winlogbeat Security). Counted
 * (KPIS.md leaver-activity-count): events with `event.category` authentication and
 * `event.outcome` success or failure; Windows 4624 (logged on) / 4625 (failed) also when an
 * old Winlogbeat wrote neither category nor outcome. Fields may be nested
 * (`{"event":{"outcome":…}}`) or dotted (`{"event.outcome":…}`), as exporters differ.
 */
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

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return v === undefined || v === null ? [] : [String(v)];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Classify a parsed ECS document; undefined when it is not an authentication outcome. */
export function classifyEcs(doc: unknown, zone: string): EcsEvent | undefined | string {
  const code = str(ecsField(doc, 'event.code')) ?? str(ecsField(doc, 'winlog.event_id'));
  const windows = code === '4624' || code === '4625';
  const categories = list(ecsField(doc, 'event.category'));
  if (!categories.includes('authentication') && !windows) return undefined;
  const given = str(ecsField(doc, 'event.outcome'));
  let outcome: EcsEvent['outcome'];
  if (given === 'success' || given === 'failure') outcome = given;
  else {
    const types = list(ecsField(doc, 'event.type'));
    if (types.includes('authentication_success') || code === '4624') outcome = 'success';
    else if (types.includes('authentication_failure') || code === '4625') outcome = 'failure';
    else return undefined;
  }
  // For 4624/4625 the subject is the reporting machine; the target is who logged on.
  const user = (windows ? str(ecsField(doc, 'winlog.event_data.TargetUserName')) : undefined) ?? str(ecsField(doc, 'user.name'));
  if (user === undefined || user === '-') return ECS_REJECT.user;
  const ts = ecsField(doc, '@timestamp');
  const time = typeof ts === 'number' ? ts : typeof ts === 'string' ? parseIsoTime(ts, zone) : Number.NaN;
  if (!Number.isFinite(time)) return ECS_REJECT.time;
  return { outcome, user, time };
}

/** Parse one JSON line (see classifyEcs). Blank lines are not events. */
export function parseEcsLine(line: string, zone: string): EcsEvent | undefined | string {
  const t = line.trim();
  if (t === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return ECS_REJECT.json;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return ECS_REJECT.json;
  return classifyEcs(doc, zone);
}
