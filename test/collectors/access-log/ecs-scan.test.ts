/**
 * The ECS line scanner against its reference: JSON.parse + ecsField + Luxon
 * (parseEcsLineWithJson). Hand-made lines for each rule of the scan, then fast-check properties
 * over generated ECS lines (nested, dotted, duplicated keys, arrays, escapes, whitespace) and
 * mutations of them: both paths give the same fields and the same record, or both reject.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EcsScanner, OBJECT_VALUE, type EcsFields } from '../../../src/collectors/access-log/ecs-scan.ts';
import { EcsShapeReader } from '../../../src/collectors/access-log/ecs-shapes.ts';
import { ECS_REJECT, ecsFields, fastIsoTime, parseEcsLine, parseEcsLineWithJson } from '../../../src/collectors/access-log/ecs.ts';
import { parseIsoTime } from '../../../src/collectors/access-log/time.ts';

const T0 = '2026-03-01T00:30:00.000Z';
const T0_MS = Date.UTC(2026, 2, 1, 0, 30);

function scan(line: string): EcsFields | undefined {
  const out = {} as EcsFields;
  return new EcsScanner().scan(line, out) ? out : undefined;
}

/** JSON.parse's value as the scanner keeps it: any object (not an array) as OBJECT_VALUE. */
function kept(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(kept);
  return v !== null && typeof v === 'object' ? OBJECT_VALUE : v;
}

function reference(line: string): EcsFields | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const f = ecsFields(doc);
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, kept(v)])) as unknown as EcsFields;
}

describe('ECS scanner: the rules, by hand', () => {
  it('reads nested and dotted fields, and the dotted key of an object first', () => {
    const line = `{"@timestamp":"${T0}","event":{"category":["authentication","session"],"outcome":"success"},"user":{"name":"ken"}}`;
    expect(scan(line)).toMatchObject({ category: ['authentication', 'session'], outcome: 'success', user: 'ken', timestamp: T0 });
    expect(parseEcsLine(line, 'UTC')).toEqual({ outcome: 'success', user: 'ken', time: T0_MS });
    const dotted = `{"@timestamp":"${T0}","event.category":"authentication","event.outcome":"failure","user.name":"ken"}`;
    expect(parseEcsLine(dotted, 'UTC')).toEqual({ outcome: 'failure', user: 'ken', time: T0_MS });
    // Both forms: ecsField takes `event.outcome` of the top object before `event` → `outcome`.
    const both = `{"event":{"outcome":"success","category":"authentication"},"event.outcome":"failure","user.name":"ken","@timestamp":"${T0}"}`;
    expect(parseEcsLine(both, 'UTC')).toMatchObject({ outcome: 'failure' });
    // A dotted key holding null still holds the path: the nested outcome is not looked at, and
    // with no event.type the event is no authentication outcome.
    const nulled = `{"event":{"outcome":"success","category":"authentication"},"event.outcome":null,"user.name":"ken","@timestamp":"${T0}"}`;
    expect(scan(nulled)?.outcome).toBeNull();
    expect(parseEcsLine(nulled, 'UTC')).toBeUndefined();
  });

  it('counts a key given twice by its last occurrence, as JSON.parse does', () => {
    // The second "event" replaces the first whole: its outcome is gone.
    const twice = `{"event":{"outcome":"success","category":"authentication"},"event":{"category":"authentication"},"user":{"name":"a"},"@timestamp":"${T0}"}`;
    expect(scan(twice)?.outcome).toBeUndefined();
    expect(parseEcsLine(twice, 'UTC')).toBeUndefined();
    // A later "event" that is not an object leaves no nested field at all.
    const flat = `{"event":{"outcome":"success","category":"authentication"},"event":"x","user":{"name":"a"},"@timestamp":"${T0}"}`;
    expect(scan(flat)?.category).toBeUndefined();
    expect(parseEcsLine(flat, 'UTC')).toBeUndefined();
    // Within one object, the later user name is the one.
    const names = `{"event":{"outcome":"success","category":"authentication"},"user":{"name":"first","name":"second"},"@timestamp":"${T0}"}`;
    expect(parseEcsLine(names, 'UTC')).toEqual({ outcome: 'success', user: 'second', time: T0_MS });
  });

  it('does not take a key of the same name at another depth for the field', () => {
    const line = `{"source":{"user":{"name":"mallory"},"event":{"outcome":"failure"}},"event":{"category":"authentication","outcome":"success","event":{"outcome":"failure"}},"user":{"name":"alice","user":{"name":"eve"}},"@timestamp":"${T0}"}`;
    expect(parseEcsLine(line, 'UTC')).toEqual({ outcome: 'success', user: 'alice', time: T0_MS });
    // With no user.name at the right place, the event is rejected, though a name is nested deeper.
    const none = `{"event":{"category":"authentication","outcome":"success"},"source":{"user":{"name":"alice"}},"@timestamp":"${T0}"}`;
    expect(parseEcsLine(none, 'UTC')).toBe(ECS_REJECT.user);
  });

  it('unescapes keys and strings, and keeps non-ASCII names', () => {
    const line = `{"ev\\u0065nt":{"c\\u0061tegory":"authentic\\u0061tion","outcome":"success"},"user":{"name":"\\u5c71\\u7530 \\"t\\\\a\\/ro\\"\\t"},"@timestamp":"${T0}"}`;
    expect(parseEcsLine(line, 'UTC')).toEqual({ outcome: 'success', user: '山田 "t\\a/ro"\t', time: T0_MS });
    const raw = `{"event":{"category":"authentication","outcome":"failure"},"user":{"name":"山田😀"},"@timestamp":"${T0}"}`;
    expect(parseEcsLine(raw, 'UTC')).toMatchObject({ user: '山田😀' });
    // A lone surrogate escape is kept as JSON.parse keeps it.
    expect(scan('{"user":{"name":"\\ud800x"}}')?.user).toBe('\ud800x');
  });

  it('reads Windows 4624/4625 by code with the target user, numbers as JSON.parse reads them', () => {
    const line = `{"@timestamp":"${T0}","event":{"code":4625},"winlog":{"event_id":4625,"event_data":{"TargetUserName":"aya","SubjectUserName":"WS01$"}},"user":{"name":"WS01$"}}`;
    expect(parseEcsLine(line, 'UTC')).toEqual({ outcome: 'failure', user: 'aya', time: T0_MS });
    // 4.624e3 is the number 4624; as a string it is "4624".
    const exp = `{"@timestamp":"${T0}","winlog.event_id":4.624e3,"winlog.event_data":{"TargetUserName":"aya"}}`;
    expect(parseEcsLine(exp, 'UTC')).toEqual({ outcome: 'success', user: 'aya', time: T0_MS });
    // Epoch-ms timestamps are numbers.
    expect(parseEcsLine(`{"@timestamp":${T0_MS},"event.code":"4624","user.name":"x"}`, 'UTC')).toEqual({ outcome: 'success', user: 'x', time: T0_MS });
  });

  it('leaves malformed lines to JSON.parse, which rejects them', () => {
    for (const bad of [
      '{"a":1,}', '{"a":01}', '{"a":"x\ty"}', '{"a":"\\x"}', '{"a":tru}', '{"a":1}x', '{"a" 1}', '{"a":[1,]}', '{"a":-}', '{"a":1.}', '{"a":1e}', '{"a":"\\u12"}',
      '{"event":{"category":"authentication"', "{'a':1}", '{"a":1}{"b":2}', '{"a":.5}', '{"a":+1}', '{"a":NaN}',
    ]) {
      expect(scan(bad), bad).toBeUndefined();
      expect(parseEcsLine(bad, 'UTC'), bad).toBe(ECS_REJECT.json);
    }
    expect(parseEcsLine('[1,2]', 'UTC')).toBe(ECS_REJECT.json);
    expect(parseEcsLine('null', 'UTC')).toBe(ECS_REJECT.json);
  });

  it('reads an object in a list as no word, even one with its own toString (String() of it would throw)', () => {
    const own = `{"event":{"category":{"toString":1},"outcome":"success"},"user.name":"a","@timestamp":"${T0}"}`;
    expect(parseEcsLineWithJson(own, 'UTC')).toBeUndefined();
    expect(parseEcsLine(own, 'UTC')).toBeUndefined();
    const mixed = `{"event":{"category":[{"valueOf":0,"toString":0},"authentication"],"outcome":"success"},"user.name":"a","@timestamp":"${T0}"}`;
    expect(parseEcsLineWithJson(mixed, 'UTC')).toEqual({ outcome: 'success', user: 'a', time: T0_MS });
    expect(parseEcsLine(mixed, 'UTC')).toEqual({ outcome: 'success', user: 'a', time: T0_MS });
  });

  it('gives up (JSON.parse decides) on an array inside a kept array, and on deep nesting', () => {
    const inner = `{"event":{"category":[["authentication"]],"outcome":"success"},"user.name":"a","@timestamp":"${T0}"}`;
    expect(scan(inner)).toBeUndefined();
    // JSON.parse's String([["authentication"]]) is "authentication": the event counts.
    expect(parseEcsLine(inner, 'UTC')).toEqual({ outcome: 'success', user: 'a', time: T0_MS });
    const deep = `{"x":${'['.repeat(100)}${']'.repeat(100)},"event.category":"authentication","event.outcome":"success","user.name":"a","@timestamp":"${T0}"}`;
    expect(scan(deep)).toBeUndefined();
    expect(parseEcsLine(deep, 'UTC')).toEqual({ outcome: 'success', user: 'a', time: T0_MS });
    // A nested array where no field is read is only checked.
    expect(scan(`{"tags":[[1,[2]],{"a":[]}],"user.name":"a"}`)?.user).toBe('a');
  });
});

// ---- generated lines ----

/** A JSON value with its own spelling: duplicate keys, escapes and whitespace are the writer's. */
type J =
  | { t: 'str'; v: string; esc: number }
  | { t: 'num'; text: string }
  | { t: 'lit'; v: 'true' | 'false' | 'null' }
  | { t: 'arr'; items: J[] }
  | { t: 'obj'; pairs: [key: { v: string; esc: number }, value: J][] };

const KEYS = [
  'event', 'category', 'outcome', 'code', 'type', 'action', 'winlog', 'event_id', 'event_data', 'TargetUserName', 'SubjectUserName', 'user', 'name',
  '@timestamp', 'event.outcome', 'event.category', 'event.code', 'event.type', 'winlog.event_id', 'winlog.event_data', 'winlog.event_data.TargetUserName',
  'event_data.TargetUserName', 'user.name', 'source', 'host', 'ip', '', 'Event', 'user.name.x', '__proto__', 'constructor', 'toString', 'valueOf',
];
const WORDS = [
  'authentication', 'session', 'success', 'failure', 'unknown', 'authentication_success', 'authentication_failure', 'info', '4624', '4625', '-', '',
  'alice', 'ken.ito', 'WS01$', '山田', 'a"b\\c', 'tab\there', '😀', '\u2028',
];
const TIMES = [
  '2026-03-01T00:30:00.000Z', '2026-03-01T00:30:00Z', '2026-03-01T09:30:00+09:00', '2026-03-01T09:30:00.123456+0900', '2026-03-01T00:30:00',
  '2026-02-29T00:00:00Z', '2024-02-29T23:59:59.9Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T00:00:60Z', '2026-03-01 00:30:00Z',
  '2026-03-01T00:30:00z', '2026-03-01T00:30:00-05:30', '2026-03-01T00:30:00+15:00', '2026-03-01', 'yesterday', '0999-01-01T00:00:00Z',
];
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/London'];

const escArb = fc.integer({ min: 0, max: 3 });
const strArb: fc.Arbitrary<J> = fc.record({
  t: fc.constant('str' as const),
  v: fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...TIMES), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })),
  esc: escArb,
});
const numArb: fc.Arbitrary<J> = fc.oneof(
  fc.constantFrom('4624', '4625', '0', '-0', '4.624e3', '4624.0', '1e400', '-1.5E-3', '1772325000000'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
).map((text) => ({ t: 'num' as const, text }));
const litArb: fc.Arbitrary<J> = fc.constantFrom('true', 'false', 'null').map((v) => ({ t: 'lit' as const, v: v as 'true' }));
const keyArb = fc.record({ v: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), esc: escArb });

/** Values; `nestedArrays` lets arrays hold arrays (which the scanner may give up on). */
function valueArb(nestedArrays: boolean): fc.Arbitrary<J> {
  const { value } = fc.letrec<{ value: J; scalar: J; arr: J; obj: J }>((tie) => ({
    scalar: fc.oneof({ weight: 4, arbitrary: strArb }, { weight: 2, arbitrary: numArb }, { weight: 1, arbitrary: litArb }),
    arr: fc.record({
      t: fc.constant('arr' as const),
      items: fc.array(nestedArrays ? tie('value') : fc.oneof({ weight: 4, arbitrary: tie('scalar') }, { weight: 1, arbitrary: tie('obj') }), { maxLength: 3 }),
    }),
    obj: fc.record({ t: fc.constant('obj' as const), pairs: fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 5 }) }),
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 5, arbitrary: tie('scalar') }, { weight: 1, arbitrary: tie('arr') }, { weight: 3, arbitrary: tie('obj') }),
  }));
  return value;
}

/** A top-level document: usually with the fields of an authentication event somewhere. */
function docArb(nestedArrays: boolean): fc.Arbitrary<J> {
  const v = valueArb(nestedArrays);
  const s = (x: string): J => ({ t: 'str', v: x, esc: 0 });
  const common = fc.constantFrom<[string, J][]>(
    [['@timestamp', s(T0)], ['event', { t: 'obj', pairs: [[{ v: 'category', esc: 0 }, { t: 'arr', items: [s('authentication')] }], [{ v: 'outcome', esc: 0 }, s('success')]] }], ['user', { t: 'obj', pairs: [[{ v: 'name', esc: 0 }, s('alice')]] }]],
    [['@timestamp', s('2026-03-01T09:30:00+09:00')], ['event.category', s('authentication')], ['event.outcome', s('failure')], ['user.name', s('bob')]],
    [['@timestamp', s(T0)], ['winlog', { t: 'obj', pairs: [[{ v: 'event_id', esc: 0 }, { t: 'num', text: '4624' }], [{ v: 'event_data', esc: 0 }, { t: 'obj', pairs: [[{ v: 'TargetUserName', esc: 0 }, s('aya')]] }]] }]],
    [],
  );
  return fc.tuple(common, fc.array(fc.tuple(keyArb, v), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 4 })).map(([base, extra, positions]) => {
    const pairs: [{ v: string; esc: number }, J][] = base.map(([k, x]) => [{ v: k, esc: 0 }, x]);
    // Extra pairs go anywhere, before or after the base ones (so a duplicate may win or lose).
    extra.forEach((p, i) => pairs.splice((positions[i] ?? i * 7) % (pairs.length + 1), 0, p));
    return { t: 'obj', pairs };
  });
}

const WS = ['', '', '', ' ', '  ', '\t', '\r\n', ' \n '];

function escapeString(v: string, esc: number, ws: () => string): string {
  void ws;
  if (esc === 0) return JSON.stringify(v);
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const all = esc === 1 || (esc === 2 && (c > 0x7e || i % 2 === 0));
    if (c === 0x22) out += esc === 3 ? '\\u0022' : '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || all) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c === 0x2f && esc === 3) out += '\\/';
    else out += v[i];
  }
  return `${out}"`;
}

function write(j: J, ws: () => string): string {
  switch (j.t) {
    case 'str':
      return escapeString(j.v, j.esc, ws);
    case 'num':
      return j.text;
    case 'lit':
      return j.v;
    case 'arr':
      return `[${ws()}${j.items.map((x) => write(x, ws)).join(`${ws()},${ws()}`)}${ws()}]`;
    case 'obj':
      return `{${ws()}${j.pairs.map(([k, x]) => `${escapeString(k.v, k.esc, ws)}${ws()}:${ws()}${write(x, ws)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  }
}

const lineArb = (nestedArrays: boolean) =>
  fc.tuple(docArb(nestedArrays), fc.array(fc.integer({ min: 0, max: WS.length - 1 }), { minLength: 1, maxLength: 16 })).map(([doc, wsPicks]) => {
    let k = 0;
    return write(doc, () => WS[wsPicks[k++ % wsPicks.length]!]!);
  });

/** A mutation of a line: a character deleted, inserted or replaced, a cut, or a piece repeated. */
const mutatedArb = fc
  .tuple(lineArb(true), fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.constantFrom(...'{}[]":,\\/u0123456789eE.+-tfnrl aZ\t\u0000\u001f\u00e9😀'.split(''))), { minLength: 1, maxLength: 4 }))
  .map(([line, edits]) => {
    let s = line;
    for (const [op, at, ch] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      if (op === 0) s = s.slice(0, i) + s.slice(i + 1);
      else if (op === 1) s = s.slice(0, i) + ch + s.slice(i);
      else if (op === 2) s = s.slice(0, i) + ch + s.slice(i + 1);
      else if (op === 3) s = s.slice(0, i);
      else s = s.slice(0, i) + s.slice(i, i + 12) + s.slice(i);
    }
    return s;
  });

const RUNS = 3000;
/** Each run of a shape property compiles shapes: fewer runs (15,000 of each passed once by hand). */
const SHAPE_RUNS = 600;

describe('ECS scanner against JSON.parse (properties)', () => {
  it('scans every generated line without arrays in arrays, to the same fields and record', () => {
    fc.assert(
      fc.property(lineArb(false), fc.constantFrom(...ZONES), (line, zone) => {
        const want = reference(line);
        expect(want).toBeDefined();
        expect(scan(line)).toEqual(want);
        expect(parseEcsLine(line, zone)).toEqual(parseEcsLineWithJson(line, zone));
      }),
      { numRuns: RUNS },
    );
  });

  it('on any generated line, gives the same record as JSON.parse, or gives up', () => {
    fc.assert(
      fc.property(lineArb(true), fc.constantFrom(...ZONES), (line, zone) => {
        const got = scan(line);
        if (got !== undefined) expect(got).toEqual(reference(line));
        expect(parseEcsLine(line, zone)).toEqual(parseEcsLineWithJson(line, zone));
      }),
      { numRuns: RUNS },
    );
  });

  it('on mutated lines, accepts only what JSON.parse accepts, with the same record', () => {
    let scanned = 0;
    let rejected = 0;
    fc.assert(
      fc.property(mutatedArb, fc.constantFrom(...ZONES), (line, zone) => {
        const t = line.trim();
        const got = scan(t);
        const want = reference(t);
        if (got !== undefined) {
          scanned++;
          expect(want).toBeDefined();
          expect(got).toEqual(want);
        }
        const r = parseEcsLineWithJson(line, zone);
        if (r === ECS_REJECT.json) rejected++;
        expect(parseEcsLine(line, zone)).toEqual(r);
      }),
      { numRuns: RUNS },
    );
    // Both kinds occur, so the property was tried on each (not a vacuous pass).
    expect(scanned).toBeGreaterThan(RUNS / 20);
    expect(rejected).toBeGreaterThan(RUNS / 20);
  });
});

/** The template with some of its open values (scalars, arrays of scalars) replaced. */
function vary(j: J, pick: () => number, pool: readonly J[]): J {
  if (j.t === 'obj') return { t: 'obj', pairs: j.pairs.map(([k, v]) => [k, vary(v, pick, pool)]) };
  if (j.t === 'arr' && j.items.some((x) => x.t === 'obj' || x.t === 'arr')) return { t: 'arr', items: j.items.map((x) => vary(x, pick, pool)) };
  // A scalar, or an array of scalars (one open value).
  return pick() % 3 === 0 ? pool[pick() % pool.length]! : j;
}

const POOL: J[] = [
  ...['authentication', 'success', 'failure', 'authentication_success', '4624', '4625', '-', '', 'alice', '山田', 'a"b\\c', '2026-03-01T09:30:00+09:00', 'not a time']
    .flatMap((v) => [0, 1, 3].map((esc) => ({ t: 'str' as const, v, esc }))),
  ...['4624', '4625', '0', '-1.5e3', '1772325000000'].map((text) => ({ t: 'num' as const, text })),
  { t: 'lit', v: 'true' }, { t: 'lit', v: 'null' },
  { t: 'arr', items: [] }, { t: 'arr', items: [{ t: 'str', v: 'authentication', esc: 0 }] },
  { t: 'arr', items: [{ t: 'str', v: 'x', esc: 0 }, { t: 'str', v: 'authentication_failure', esc: 2 }, { t: 'num', text: '1' }, { t: 'lit', v: 'null' }] },
  // Not open values: a line with one of these where the template had a scalar has another shape.
  { t: 'obj', pairs: [[{ v: 'a', esc: 0 }, { t: 'num', text: '1' }]] },
  { t: 'arr', items: [{ t: 'obj', pairs: [] }] },
];

describe('ECS shapes against the scanner and JSON.parse (properties)', () => {
  it('reads lines of a learned shape with other values as JSON.parse does', () => {
    let matched = 0;
    fc.assert(
      fc.property(docArb(false), fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: WS.length - 1 }), { minLength: 1, maxLength: 8 }), (doc, picks, wsPicks) => {
        const reader = new EcsShapeReader();
        let k = 0;
        const pick = () => picks[k++ % picks.length]! + k;
        let w = 0;
        const ws = () => WS[wsPicks[w++ % wsPicks.length]!]!;
        for (let i = 0; i < 6; i++) {
          w = 0;
          const line = write(i === 0 ? doc : vary(doc, pick, POOL), ws);
          const out = {} as EcsFields;
          const want = reference(line);
          if (reader.read(line, out)) expect(out).toEqual(want);
          else expect(scan(line), JSON.stringify(line)).toBeUndefined();
          expect(parseEcsLine(line, 'UTC')).toEqual(parseEcsLineWithJson(line, 'UTC'));
        }
        matched += reader.stats.matched;
      }),
      { numRuns: SHAPE_RUNS },
    );
    // The shapes did read lines (not a pass by always scanning).
    expect(matched).toBeGreaterThan(SHAPE_RUNS);
  });

  it('on mutations of lines of a learned shape, accepts only what JSON.parse accepts, with the same fields', () => {
    fc.assert(
      fc.property(lineArb(true), fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.constantFrom(...'{}[]":,\\u0e.-tn aZ\t\u0000😀'.split(''))), { minLength: 1, maxLength: 3 }), (line, edits) => {
        const reader = new EcsShapeReader();
        reader.read(line, {} as EcsFields);
        let s = line;
        for (const [op, at, ch] of edits) {
          const i = s.length === 0 ? 0 : at % s.length;
          s = op === 0 ? s.slice(0, i) + s.slice(i + 1) : op === 1 ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + ch + s.slice(i + 1);
        }
        const out = {} as EcsFields;
        if (reader.read(s, out)) expect(out).toEqual(reference(s));
      }),
      { numRuns: SHAPE_RUNS },
    );
  });

  it('keeps shapes, and what it learns, bounded', () => {
    const reader = new EcsShapeReader();
    // 2,000 lines, each of its own shape (a key of its own): 16 compiled at first, then about 1 per 1,000 lines.
    for (let i = 0; i < 2000; i++) reader.read(`{"k${i}":1,"user.name":"a"}`, {} as EcsFields);
    expect(reader.stats.compiled).toBeLessThanOrEqual(16 + 2);
    expect(reader.stats.matched).toBe(0);
    // One shape, many lines: compiled once, the rest matched.
    const same = new EcsShapeReader();
    for (let i = 0; i < 100; i++) same.read(`{"@timestamp":"${T0}","event":{"outcome":"success","category":["authentication"]},"user":{"name":"u${i}"}}`, {} as EcsFields);
    expect(same.stats).toEqual({ matched: 99, scanned: 1, compiled: 1 });
  });
});

describe('fast ISO @timestamp against Luxon', () => {
  it('agrees on Beats-like times, their near misses, and the Z/offset/fraction variants', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const arb = fc
      .record({
        y: fc.oneof(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
        mo: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
        h: fc.integer({ min: 0, max: 25 }),
        mi: fc.integer({ min: 0, max: 60 }),
        s: fc.integer({ min: 0, max: 61 }),
        frac: fc.oneof(fc.constant(''), fc.stringMatching(/^[.,][0-9]{1,12}$/)),
        off: fc.oneof(
          fc.constantFrom('Z', 'z', '', '+00:00', '-00:00', '+09:00', '+0900', '+09', '-05:30', '+14:00', '+15:00', '-12:00', '+05:45', '+09:60', '[Asia/Tokyo]'),
          fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 60 }), fc.boolean()).map(([sg, oh, om, colon]) => `${sg}${two(oh)}${colon ? ':' : ''}${two(om)}`),
        ),
        sep: fc.constantFrom('T', 'T', 'T', 't', ' '),
      })
      .map((x) => `${String(x.y).padStart(4, '0')}-${two(x.mo)}-${two(x.d)}${x.sep}${two(x.h)}:${two(x.mi)}:${two(x.s)}${x.frac}${x.off}`);
    fc.assert(
      fc.property(arb, fc.constantFrom(...ZONES), (t, zone) => {
        expect(fastIsoTime(t, zone)).toBe(parseIsoTime(t, zone));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the Beats form by hand', () => {
    // 09:30:00.5 at +09:00 is 00:30:00.500 UTC.
    expect(fastIsoTime('2026-03-01T09:30:00.5+09:00', 'UTC')).toBe(T0_MS + 500);
    // 0.1239 s: Luxon keeps whole milliseconds, floor(123.9) = 123.
    expect(fastIsoTime('2026-03-01T00:30:00.1239Z', 'UTC')).toBe(T0_MS + 123);
    // 31 February does not exist.
    expect(fastIsoTime('2026-02-31T00:00:00Z', 'UTC')).toBeNaN();
  });
});
