/**
 * Regular expressions from the config run on RE2 (re2js, pure JavaScript): matching takes time
 * linear in the input whatever the pattern, so `(a+)+$` against a long login can never hang an
 * evaluation, /healthz or shutdown. RE2 has no backreferences or lookaround; a pattern using
 * them is refused when the config is loaded.
 */
import { RE2JS } from 're2js';

export interface LinearPattern {
  test(s: string): boolean;
}

/** Compile case-insensitively; throws with RE2's message on a pattern it cannot run. */
export function compilePattern(pattern: string): LinearPattern {
  const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  return { test: (s) => re.matcher(s).find() };
}

/** Why `pattern` cannot be used, or undefined. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (e) {
    return `not a linear-time (RE2) regular expression: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
}
