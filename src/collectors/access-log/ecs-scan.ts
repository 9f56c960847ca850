/**
 * The ECS fields the access-log collector reads, found in one JSON line without building its
 * object: a validating scan of the whole line that keeps only the values at the few paths that
 * classify an authentication event, and skips everything else.
 *
 * The scan answers exactly what `JSON.parse` followed by ecs.ts's `ecsField` would, or nothing:
 * - the line must be one valid JSON object (RFC 8259 grammar, as JSON.parse checks it), else the
 *   scan gives up and the caller's JSON.parse path decides (and rejects);
 * - a field may be nested (`{"event":{"outcome":…}}`), dotted (`{"event.outcome":…}`) or both;
 *   the lookup order is ecsField's: the dotted key of an object first, then each split of the
 *   path at a dot, left to right;
 * - a key given twice counts by its last occurrence, as in JSON.parse: a second `"event":{…}`
 *   replaces everything the first one held, a second `"outcome"` replaces the first;
 * - a key of the same name at another depth (`{"source":{"user":{"name":…}}}`) is not the field;
 * - keys and strings are unescaped as JSON.parse does (`\uXXXX`, surrogate halves kept as they
 *   are), so `"ev\u0065nt"` is `event`;
 * - a value is kept as JSON.parse would give it to the classifier: strings, numbers, true, false,
 *   null, arrays of those; an object stands as an empty object (the classifier reads no field of
 *   one: it only sees that it is neither a string nor a number). An array holding an array gives
 *   up (the classifier would stringify it), and so does nesting deeper than MAX_DEPTH.
 */

/** The values at the paths the ECS classifier reads; undefined where the document has none. */
export interface EcsFields {
  /** event.code */
  code: unknown;
  /** winlog.event_id */
  eventId: unknown;
  /** event.category */
  category: unknown;
  /** event.outcome */
  outcome: unknown;
  /** event.type */
  type: unknown;
  /** winlog.event_data.TargetUserName */
  targetUser: unknown;
  /** user.name */
  user: unknown;
  /** @timestamp */
  timestamp: unknown;
}

/** What stands for an object value at one of the paths (never read, never changed). */
export const OBJECT_VALUE: Readonly<Record<string, never>> = Object.freeze({});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Any control character: JSON allows none inside a string (tab, CR, LF only between tokens). */
const CONTROL = /[\u0000-\u001f]/;

/** Deeper than this the scan gives up (JSON.parse decides). */
const MAX_DEPTH = 64;

// Value slots: one per place a path can be written. See `resolve` for the lookup order.
const TS = 0;
const CODE_DOTTED = 1;
const CODE_NESTED = 2;
const CAT_DOTTED = 3;
const CAT_NESTED = 4;
const OUT_DOTTED = 5;
const OUT_NESTED = 6;
const TYPE_DOTTED = 7;
const TYPE_NESTED = 8;
const EID_DOTTED = 9;
const EID_NESTED = 10;
/** `winlog.event_data.TargetUserName` at the top. */
const TUN_DOTTED = 11;
/** `winlog` → `event_data.TargetUserName`. */
const TUN_WINLOG_DOTTED = 12;
/** `winlog` → `event_data` → `TargetUserName`. */
const TUN_WINLOG_NESTED = 13;
/** `winlog.event_data` → `TargetUserName`. */
const TUN_EVENT_DATA = 14;
const USER_DOTTED = 15;
const USER_NESTED = 16;
const SLOTS = 17;

/** A value the scan saw, for ecs-shapes.ts: holes of the line that a regular expression of its shape leaves open. */
export interface ShapeRecord {
  /** [start, end) of each scalar value, and of each array of scalars taken whole. */
  holes: number[];
  /** Per slot: the hole (index into holes / 2) whose value it holds, HOLE_NONE, or HOLE_OBJECT. */
  slotHole: Int32Array;
  /** False when the line has an array holding an object or an array (no fixed shape for it). */
  learnable: boolean;
}

export const HOLE_NONE = -1;
export const HOLE_OBJECT = -2;
export { SLOTS };

/** A key of interest in one object: a value slot, or an object to look into. */
interface Entry {
  key: string;
  /** The key's first character code. */
  first: number;
  slot: number;
  /** For an object to look into: its keys of interest, and the slots it fills (cleared on every occurrence of the key: the last one wins). */
  child?: Context;
}

interface Context {
  /** Entries by key length. */
  byLength: (Entry[] | undefined)[];
  /** Every slot filled inside this object or below. */
  slots: number[];
}

function context(entries: Entry[]): Context {
  const byLength: (Entry[] | undefined)[] = [];
  const slots: number[] = [];
  for (const e of entries) (byLength[e.key.length] ??= []).push(e);
  for (const e of entries) {
    if (e.child) slots.push(...e.child.slots);
    else slots.push(e.slot);
  }
  return { byLength, slots };
}

const leaf = (key: string, slot: number): Entry => ({ key, first: key.charCodeAt(0), slot, child: undefined });
const into = (key: string, child: Context): Entry => ({ key, first: key.charCodeAt(0), slot: -1, child });

const WINLOG_EVENT_DATA = context([leaf('TargetUserName', TUN_WINLOG_NESTED)]);
const TOP = context([
  leaf('@timestamp', TS),
  leaf('event.code', CODE_DOTTED),
  leaf('event.category', CAT_DOTTED),
  leaf('event.outcome', OUT_DOTTED),
  leaf('event.type', TYPE_DOTTED),
  leaf('winlog.event_id', EID_DOTTED),
  leaf('winlog.event_data.TargetUserName', TUN_DOTTED),
  leaf('user.name', USER_DOTTED),
  into('event', context([leaf('code', CODE_NESTED), leaf('category', CAT_NESTED), leaf('outcome', OUT_NESTED), leaf('type', TYPE_NESTED)])),
  into('winlog', context([leaf('event_id', EID_NESTED), leaf('event_data.TargetUserName', TUN_WINLOG_DOTTED), into('event_data', WINLOG_EVENT_DATA)])),
  into('winlog.event_data', context([leaf('TargetUserName', TUN_EVENT_DATA)])),
  into('user', context([leaf('name', USER_NESTED)])),
]);

/** The first of the places that holds the path (null counts as held, as in ecsField). */
function pick(a: unknown, b: unknown): unknown {
  return a !== undefined ? a : b;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The fields from the value slots, in ecsField's lookup order. */
export function fieldsOf(v: readonly unknown[], out: EcsFields): void {
  out.timestamp = v[TS];
  out.code = pick(v[CODE_DOTTED], v[CODE_NESTED]);
  out.category = pick(v[CAT_DOTTED], v[CAT_NESTED]);
  out.outcome = pick(v[OUT_DOTTED], v[OUT_NESTED]);
  out.type = pick(v[TYPE_DOTTED], v[TYPE_NESTED]);
  out.eventId = pick(v[EID_DOTTED], v[EID_NESTED]);
  out.targetUser = pick(v[TUN_DOTTED], pick(pick(v[TUN_WINLOG_DOTTED], v[TUN_WINLOG_NESTED]), v[TUN_EVENT_DATA]));
  out.user = pick(v[USER_DOTTED], v[USER_NESTED]);
}

/**
 * Scans one JSON line. Reuse one instance for many lines (it allocates only the values it keeps).
 */
export class EcsScanner {
  private s = '';
  private n = 0;
  private readonly vals: unknown[] = new Array<unknown>(SLOTS).fill(undefined);
  /** Whether the last string scanned had an escape. */
  private escaped = false;
  /** Open containers of a skipped value (`{` or `[`). */
  private readonly kinds = new Uint8Array(MAX_DEPTH + 1);
  /** The last primitive value read. */
  private prim: unknown = undefined;
  /** Position of the next backslash at or after the scan (the line's length when none; below the scan: not known). */
  private backslash = -1;
  /** The line has a control character (U+0000–U+001F): strings are then checked one character at a time. */
  private careful = false;
  /** Where to note the line's values, when learning its shape. */
  private rec: ShapeRecord | undefined = undefined;

  /** Notes a value at [start, end) as a hole; returns its index. */
  private hole(start: number, end: number): number {
    const h = this.rec!.holes;
    h.push(start, end);
    return h.length / 2 - 1;
  }

  /**
   * The fields of `line` (already trimmed) into `out`; false when the scan is not sure (not a
   * JSON object, malformed, or a shape it leaves to JSON.parse): then `out` is undefined garbage.
   * With `record`, also notes where the line's values are (see ShapeRecord).
   */
  scan(line: string, out: EcsFields, record?: ShapeRecord): boolean {
    this.rec = record;
    if (record) {
      record.holes.length = 0;
      record.slotHole.fill(HOLE_NONE);
      record.learnable = true;
    }
    this.s = line;
    this.n = line.length;
    this.backslash = -1;
    this.careful = CONTROL.test(line);
    const v = this.vals;
    v.fill(undefined);
    if (line.charCodeAt(0) !== LBRACE) return false;
    let p = this.object(0, TOP, 1);
    if (p < 0) return false;
    p = this.ws(p);
    if (p !== this.n) return false;
    fieldsOf(v, out);
    this.s = '';
    return true;
  }

  /** The first position at or after p that is not JSON whitespace. */
  private ws(p: number): number {
    const s = this.s;
    while (isWs(s.charCodeAt(p))) p++;
    return p;
  }

  /** The object at p (`{`) whose keys of interest `ctx` names. Returns the end or -1. */
  private object(p: number, ctx: Context, depth: number): number {
    if (depth > MAX_DEPTH) return -1;
    const s = this.s;
    p = this.ws(p + 1);
    if (s.charCodeAt(p) === RBRACE) return p + 1;
    for (;;) {
      let q = s.charCodeAt(p);
      if (isWs(q)) q = s.charCodeAt((p = this.ws(p)));
      if (q !== QUOTE) return -1;
      const ks = p + 1;
      const ke = this.stringEnd(ks);
      if (ke < 0) return -1;
      const entry = this.match(ctx, ks, ke);
      p = ke + 1;
      if (s.charCodeAt(p) !== COLON) {
        p = this.ws(p);
        if (s.charCodeAt(p) !== COLON) return -1;
      }
      p++;
      if (isWs(s.charCodeAt(p))) p = this.ws(p);
      if (entry === undefined) p = this.skip(p, depth);
      else if (entry.child !== undefined) {
        for (const slot of entry.child.slots) this.vals[slot] = undefined;
        if (this.rec) for (const slot of entry.child.slots) this.rec.slotHole[slot] = HOLE_NONE;
        p = s.charCodeAt(p) === LBRACE ? this.object(p, entry.child, depth + 1) : this.skip(p, depth);
      } else p = this.value(p, entry.slot, depth);
      if (p < 0) return -1;
      let c = s.charCodeAt(p);
      if (isWs(c)) c = s.charCodeAt((p = this.ws(p)));
      if (c === COMMA) {
        p++;
        if (isWs(s.charCodeAt(p))) p = this.ws(p);
      } else if (c === RBRACE) return p + 1;
      else return -1;
    }
  }

  private match(ctx: Context, ks: number, ke: number): Entry | undefined {
    if (this.escaped) {
      const key = this.decode(ks, ke);
      const list = ctx.byLength[key.length];
      if (list) for (const e of list) if (e.key === key) return e;
      return undefined;
    }
    const list = ctx.byLength[ke - ks];
    if (list) {
      const c0 = this.s.charCodeAt(ks);
      for (const e of list) if (e.first === c0 && this.s.startsWith(e.key, ks)) return e;
    }
    return undefined;
  }

  /**
   * Position of the closing quote of the string whose first character is at p, or -1. A string
   * with no backslash in it, on a line with no control character, is one indexOf.
   */
  private stringEnd(p: number): number {
    if (!this.careful) {
      const s = this.s;
      let bs = this.backslash;
      if (bs < p) {
        bs = s.indexOf('\\', p);
        this.backslash = bs = bs < 0 ? this.n : bs;
      }
      const q = s.indexOf('"', p);
      if (q < 0) return -1;
      if (q < bs) {
        this.escaped = false;
        return q;
      }
    }
    return this.stringEndByChar(p);
  }

  /** stringEnd one character at a time: escapes checked, control characters refused. */
  private stringEndByChar(p: number): number {
    const s = this.s;
    const n = this.n;
    this.escaped = false;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) return p;
      if (c === BACKSLASH) {
        this.escaped = true;
        const e = s.charCodeAt(p + 1);
        if (e === 0x75) {
          if (!(isHex(s.charCodeAt(p + 2)) && isHex(s.charCodeAt(p + 3)) && isHex(s.charCodeAt(p + 4)) && isHex(s.charCodeAt(p + 5)))) return -1;
          p += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) p += 2;
        else return -1;
      } else if (c < 0x20) return -1;
      else p++;
    }
    return -1;
  }

  /** The text of a string [ks, ke) (between its quotes) already checked by stringEnd. */
  private decode(ks: number, ke: number): string {
    const s = this.s;
    if (!this.escaped) return s.slice(ks, ke);
    let out = '';
    let from = ks;
    let p = ks;
    while (p < ke) {
      if (s.charCodeAt(p) !== BACKSLASH) {
        p++;
        continue;
      }
      out += s.slice(from, p);
      const e = s.charCodeAt(p + 1);
      if (e === 0x75) {
        out += String.fromCharCode(Number.parseInt(s.slice(p + 2, p + 6), 16));
        p += 6;
      } else {
        out += e === 0x62 ? '\b' : e === 0x66 ? '\f' : e === 0x6e ? '\n' : e === 0x72 ? '\r' : e === 0x74 ? '\t' : String.fromCharCode(e);
        p += 2;
      }
      from = p;
    }
    return out + s.slice(from, ke);
  }

  /** A value to keep in `slot`. */
  private value(p: number, slot: number, depth: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    const rec = this.rec;
    if (c === QUOTE) {
      const e = this.stringEnd(p + 1);
      if (e < 0) return -1;
      this.vals[slot] = this.decode(p + 1, e);
      if (rec) rec.slotHole[slot] = this.hole(p, e + 1);
      return e + 1;
    }
    if (c === LBRACKET) {
      const e = this.array(p, slot, depth + 1);
      if (rec && e >= 0) rec.slotHole[slot] = this.hole(p, e);
      return e;
    }
    if (c === LBRACE) {
      const e = this.skip(p, depth);
      if (e >= 0) this.vals[slot] = OBJECT_VALUE;
      if (rec) rec.slotHole[slot] = HOLE_OBJECT;
      return e;
    }
    const e = this.primitive(p);
    if (e >= 0) this.vals[slot] = this.prim;
    if (rec && e >= 0) rec.slotHole[slot] = this.hole(p, e);
    return e;
  }

  /** A number, true, false or null at p, left in `this.prim`. Returns its end or -1. */
  private primitive(p: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === 0x74) {
      this.prim = true;
      return s.startsWith('true', p) ? p + 4 : -1;
    }
    if (c === 0x66) {
      this.prim = false;
      return s.startsWith('false', p) ? p + 5 : -1;
    }
    if (c === 0x6e) {
      this.prim = null;
      return s.startsWith('null', p) ? p + 4 : -1;
    }
    const e = this.number(p);
    if (e >= 0) this.prim = Number(s.slice(p, e));
    return e;
  }

  /** A number, true, false or null at p, checked and not kept. */
  private skipPrimitive(p: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === 0x74) return s.startsWith('true', p) ? p + 4 : -1;
    if (c === 0x66) return s.startsWith('false', p) ? p + 5 : -1;
    if (c === 0x6e) return s.startsWith('null', p) ? p + 4 : -1;
    return this.number(p);
  }

  /** The end of the JSON number at p, or -1. */
  private number(p: number): number {
    const s = this.s;
    let c = s.charCodeAt(p);
    if (c === MINUS) c = s.charCodeAt(++p);
    if (c === ZERO) c = s.charCodeAt(++p);
    else if (c > ZERO && c <= NINE) {
      do c = s.charCodeAt(++p);
      while (c >= ZERO && c <= NINE);
    } else return -1;
    if (c === DOT) {
      c = s.charCodeAt(++p);
      if (!(c >= ZERO && c <= NINE)) return -1;
      do c = s.charCodeAt(++p);
      while (c >= ZERO && c <= NINE);
    }
    if (c === 0x65 || c === 0x45) {
      c = s.charCodeAt(++p);
      if (c === PLUS || c === MINUS) c = s.charCodeAt(++p);
      if (!(c >= ZERO && c <= NINE)) return -1;
      do c = s.charCodeAt(++p);
      while (c >= ZERO && c <= NINE);
    }
    return p;
  }

  /** An array kept in `slot`: its strings, numbers, literals, objects (as OBJECT_VALUE); an inner array gives up. */
  private array(p: number, slot: number, depth: number): number {
    if (depth > MAX_DEPTH) return -1;
    const s = this.s;
    const items: unknown[] = [];
    p = this.ws(p + 1);
    if (s.charCodeAt(p) === RBRACKET) {
      this.vals[slot] = items;
      return p + 1;
    }
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        const e = this.stringEnd(p + 1);
        if (e < 0) return -1;
        items.push(this.decode(p + 1, e));
        p = e + 1;
      } else if (c === LBRACE) {
        if (this.rec) this.rec.learnable = false;
        p = this.skip(p, depth);
        items.push(OBJECT_VALUE);
      } else if (c === LBRACKET) return -1;
      else {
        p = this.primitive(p);
        items.push(this.prim);
      }
      if (p < 0) return -1;
      p = this.ws(p);
      const d = s.charCodeAt(p);
      if (d === COMMA) p = this.ws(p + 1);
      else if (d === RBRACKET) {
        this.vals[slot] = items;
        return p + 1;
      } else return -1;
    }
  }

  /**
   * Any value at p (not whitespace), checked and not kept: one loop over the tokens with a stack
   * of open containers (no call per object or array), as most of a Beats line is skipped.
   */
  private skip(p: number, depth: number): number {
    const s = this.s;
    const kinds = this.kinds;
    let top = 0;
    let c = s.charCodeAt(p);
    for (;;) {
      // A value starts at p, its first character is c.
      const start = p;
      if (c === QUOTE) {
        p = this.stringEnd(p + 1);
        if (p < 0) return -1;
        p++;
        if (this.rec) this.hole(start, p);
      } else if (c === LBRACKET && this.rec?.learnable && (p = this.flatArrayEnd(start)) >= 0) this.hole(start, p);
      else if (c === LBRACE || c === LBRACKET) {
        if (p < 0) {
          // Not a flat array: read it again token by token (the next backslash is not known
          // behind where flatArrayEnd stopped).
          p = start;
          this.backslash = -1;
          this.rec!.learnable = false;
        }
        if (depth + top >= MAX_DEPTH) return -1;
        let d = s.charCodeAt(++p);
        if (isWs(d)) d = s.charCodeAt((p = this.ws(p)));
        if (d === (c === LBRACE ? RBRACE : RBRACKET)) p++;
        else {
          kinds[top++] = c;
          if (c === LBRACE && (p = this.key(p)) < 0) return -1;
          c = s.charCodeAt(p);
          continue;
        }
      } else {
        if ((p = this.skipPrimitive(p)) < 0) return -1;
        if (this.rec) this.hole(start, p);
      }
      // After a value: close what ends here, or go on after a comma.
      for (;;) {
        if (top === 0) return p;
        let d = s.charCodeAt(p);
        if (isWs(d)) d = s.charCodeAt((p = this.ws(p)));
        const open = kinds[top - 1];
        if (d === COMMA) {
          p++;
          if (open === LBRACE) {
            if ((p = this.key(p)) < 0) return -1;
          } else if (isWs(s.charCodeAt(p))) p = this.ws(p);
          c = s.charCodeAt(p);
          break;
        }
        if (d !== (open === LBRACE ? RBRACE : RBRACKET)) return -1;
        top--;
        p++;
      }
    }
  }

  /** The end of the array at p if it holds only strings, numbers and literals; else -1. */
  private flatArrayEnd(p: number): number {
    const s = this.s;
    p = this.ws(p + 1);
    if (s.charCodeAt(p) === RBRACKET) return p + 1;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        p = this.stringEnd(p + 1);
        if (p < 0) return -1;
        p++;
      } else if (c === LBRACE || c === LBRACKET) return -1;
      else if ((p = this.skipPrimitive(p)) < 0) return -1;
      p = this.ws(p);
      const d = s.charCodeAt(p);
      if (d === COMMA) p = this.ws(p + 1);
      else if (d === RBRACKET) return p + 1;
      else return -1;
    }
  }

  /** A key and its colon at p (whitespace allowed around them, not kept): where the value starts, or -1. */
  private key(p: number): number {
    const s = this.s;
    let c = s.charCodeAt(p);
    if (isWs(c)) c = s.charCodeAt((p = this.ws(p)));
    if (c !== QUOTE) return -1;
    p = this.stringEnd(p + 1);
    if (p < 0) return -1;
    c = s.charCodeAt(++p);
    if (isWs(c)) c = s.charCodeAt((p = this.ws(p)));
    if (c !== COLON) return -1;
    p++;
    return isWs(s.charCodeAt(p)) ? this.ws(p) : p;
  }
}
