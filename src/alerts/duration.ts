/**
 * Prometheus-style durations (`15m`, `4h`, `7d`, `1h30m`), the one syntax used for `for`,
 * drift windows and repeat intervals in the config, so the same string means the same time in
 * generated rules and in the in-app notifier.
 */
import { ConfigError } from '../errors.ts';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const PART = /(\d+)(ms|s|m|h|d|w|y)/gy;

/** Seconds in a Prometheus duration; throws a ConfigError naming `field` when malformed. */
export function durationSeconds(text: string, field = 'duration'): number {
  const s = text.trim();
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0);
    consumed = PART.lastIndex;
  }
  if (s === '' || consumed !== s.length) {
    throw new ConfigError([{ file: '(config)', path: field, message: `expected a duration such as 15m, 4h or 7d, got "${text}"` }]);
  }
  return total;
}

/** The shortest Prometheus duration for whole seconds (172800 → `2d`, 5400 → `1h30m`). */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  let out = '';
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
