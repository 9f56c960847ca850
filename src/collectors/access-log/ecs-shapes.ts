/**
 * ECS lines by shape: Beats write the lines of one kind of event with the same keys in the same
 * order, only the values change. Once the scanner (ecs-scan.ts) has read a line, its shape (the
 * line with every scalar value, and every array of scalars, left open) becomes one regular
 * expression; a later line that matches it is read by that one match, which is several times
 * faster than walking the line token by token.
 *
 * The answer is the scanner's, by construction:
 * - the expression spells the learned line's keys, braces, colons, commas and whitespace
 *   literally, so a matching line has the same keys at the same places; where the scanner put a
 *   value of that line into a field (duplicate keys, dotted and nested forms all resolved as it
 *   resolved them), the match puts the value at the same place;
 * - each open value is JSON's grammar for a string, number, literal or array of those (no control
 *   character in a string, valid escapes), so a matching line is valid JSON; a line where an
 *   object stands instead does not match and goes to the scanner;
 * - captured values are read as JSON.parse reads them (a string without a backslash is its text).
 * A line that matches no shape goes to the scanner. Learning is bounded (at most 16 shapes kept,
 * and at most 16 + 1 per 1,000 lines compiled), so input whose every line has a new shape costs
 * little more than the scanner alone.
 */
import { EcsScanner, HOLE_NONE, HOLE_OBJECT, OBJECT_VALUE, SLOTS, fieldsOf, type EcsFields, type ShapeRecord } from './ecs-scan.ts';

const WS = '[ \\t\\n\\r]*';
const STR = '"(?:[^"\\\\\\u0000-\\u001f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';
const NUM = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
const SCALAR = `(?:${STR}|${NUM}|true|false|null)`;
/** Any open value: a scalar or an array of scalars. One way to match each: linear time. */
const OPEN = `(?:${SCALAR}|\\[${WS}(?:${SCALAR}(?:${WS},${WS}${SCALAR})*${WS})?\\])`;

const MAX_SHAPES = 16;
const FREE_COMPILES = 16;
const COMPILES_PER_LINE = 1 / 1000;

interface Shape {
  re: RegExp;
  /** Per slot: the capture group holding its value, 0 for none, -1 for an object. */
  groups: Int32Array;
  /** Per capture group: the last array text and its value (arrays repeat from line to line). */
  lastText: (string | undefined)[];
  lastValue: unknown[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function compile(line: string, rec: ShapeRecord): Shape {
  const groupOfHole = new Map<number, number>();
  for (let slot = 0; slot < SLOTS; slot++) {
    const h = rec.slotHole[slot]!;
    if (h >= 0 && !groupOfHole.has(h)) groupOfHole.set(h, 0);
  }
  let src = '^';
  let at = 0;
  let groups = 0;
  const holes = rec.holes;
  for (let i = 0; i < holes.length; i += 2) {
    src += escapeRegExp(line.slice(at, holes[i]));
    const hole = i / 2;
    if (groupOfHole.has(hole)) {
      groupOfHole.set(hole, ++groups);
      src += `(${OPEN})`;
    } else src += OPEN;
    at = holes[i + 1]!;
  }
  src += `${escapeRegExp(line.slice(at))}$`;
  const slotGroups = new Int32Array(SLOTS);
  for (let slot = 0; slot < SLOTS; slot++) {
    const h = rec.slotHole[slot]!;
    slotGroups[slot] = h === HOLE_NONE ? 0 : h === HOLE_OBJECT ? -1 : groupOfHole.get(h)!;
  }
  return { re: new RegExp(src), groups: slotGroups, lastText: new Array<string | undefined>(groups + 1), lastValue: new Array<unknown>(groups + 1) };
}

/** A captured value as JSON.parse reads it. */
function read(shape: Shape, group: number, text: string): unknown {
  const c = text.charCodeAt(0);
  if (c === 0x22) return text.indexOf('\\') < 0 ? text.slice(1, -1) : (JSON.parse(text) as unknown);
  if (c === 0x5b) {
    if (shape.lastText[group] === text) return shape.lastValue[group];
    const v = JSON.parse(text) as unknown;
    shape.lastText[group] = text;
    shape.lastValue[group] = v;
    return v;
  }
  if (c === 0x74) return true;
  if (c === 0x66) return false;
  if (c === 0x6e) return null;
  return Number(text);
}

/** Reads ECS fields by learned shapes, else by the scanner. One instance per stream of lines. */
export class EcsShapeReader {
  private readonly scanner = new EcsScanner();
  private readonly shapes: Shape[] = [];
  private readonly vals: unknown[] = new Array<unknown>(SLOTS).fill(undefined);
  private readonly rec: ShapeRecord = { holes: [], slotHole: new Int32Array(SLOTS), learnable: true };
  /** Lines read by a shape, by the scanner, and shapes compiled. */
  readonly stats = { matched: 0, scanned: 0, compiled: 0 };

  /** As EcsScanner.scan: the fields of a trimmed line, or false when JSON.parse must decide. */
  read(line: string, out: EcsFields): boolean {
    const stats = this.stats;
    const shapes = this.shapes;
    for (let i = 0; i < shapes.length; i++) {
      const shape = shapes[i]!;
      const m = shape.re.exec(line);
      if (m === null) continue;
      const v = this.vals;
      const groups = shape.groups;
      for (let slot = 0; slot < SLOTS; slot++) {
        const g = groups[slot]!;
        v[slot] = g === 0 ? undefined : g < 0 ? OBJECT_VALUE : read(shape, g, m[g]!);
      }
      fieldsOf(v, out);
      stats.matched++;
      if (i > 0) {
        shapes.splice(i, 1);
        shapes.unshift(shape);
      }
      return true;
    }
    stats.scanned++;
    const learn = stats.compiled < FREE_COMPILES + (stats.matched + stats.scanned) * COMPILES_PER_LINE;
    if (!this.scanner.scan(line, out, learn ? this.rec : undefined)) return false;
    if (learn && this.rec.learnable) {
      stats.compiled++;
      shapes.unshift(compile(line, this.rec));
      if (shapes.length > MAX_SHAPES) shapes.pop();
    }
    return true;
  }
}
