/**
 * "Did you mean …?" for a misspelt name (a config key, an objective, KPI or source id): the
 * closest known name by edit distance (Damerau: a swap of two neighbours is one edit), when it
 * is close enough to be a typo rather than another word.
 */

/** Optimal string alignment distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The known name closest to `name`, if within a third of its length (at least 1, at most 4 edits). */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.min(4, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(name, k);
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return bestD <= limit ? best : undefined;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c !== undefined ? ` (did you mean "${c}"?)` : '';
}
