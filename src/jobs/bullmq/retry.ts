/**
 * Which failures a queue should retry. Retrying only helps when the cause is outside the input:
 * a lost connection, a timeout, a busy store. Bad input or a bad config fails the same way every
 * time, so those are reported at once (BullMQ's UnrecoverableError) instead of burning attempts.
 */
import { UnrecoverableError } from 'bullmq';
import { ConfigError, EvidenceInputError, IsmsError, StoreError, TransientError, UsageError } from '../../errors.ts';
import { redactSecrets } from '../../redact.ts';

/** Node/system error codes that mean "the other side went away or was slow". */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED',
]);

export type Disposition = 'retry' | 'fail';

/** Pure: decide from the error alone. Unknown errors are retried (a bounded number of times). */
export function classifyError(err: unknown): Disposition {
  if (err instanceof UnrecoverableError) return 'fail';
  if (err instanceof TransientError || err instanceof StoreError) return 'retry';
  if (err instanceof EvidenceInputError || err instanceof ConfigError || err instanceof UsageError) return 'fail';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return 'retry';
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'retry';
  // Any other error of our own family names a condition retrying cannot change.
  if (err instanceof IsmsError) return 'fail';
  return 'retry';
}

/** What a processor throws: the original error, or an UnrecoverableError carrying its message. */
export function forQueue(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  // What the queue keeps (failedReason, `isms-kpi jobs`) never holds a credential. Errors of our
  // own family are redacted when made; others (a client library's) are redacted here.
  if (!(e instanceof IsmsError)) e.message = redactSecrets(e.message);
  if (classifyError(e) === 'retry' || e instanceof UnrecoverableError) return e;
  const code = e instanceof IsmsError ? `${e.code}: ` : '';
  const out = new UnrecoverableError(`${code}${e.message}`);
  (out as Error & { cause?: unknown }).cause = e;
  return out;
}

