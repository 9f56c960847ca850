/**
 * POSTs one payload with retries and exponential backoff. Network errors, timeouts, 429 and 5xx
 * are retried; other 4xx are not (the request itself is wrong and will stay wrong).
 */
export interface RetryPolicy {
  /** Attempts in all, including the first. @defaultValue 4 */
  attempts: number;
  /** First backoff; doubles each time. @defaultValue 1000 */
  baseDelayMs: number;
  /** Per-request timeout. @defaultValue 10000 */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, timeoutMs: 10_000 };

export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  /** HTTP status of the last attempt, when there was a response. */
  status?: number;
  error?: string;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number }>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function postWithRetry(fetchFn: FetchLike, url: string, body: unknown, policy: RetryPolicy): Promise<DeliveryOutcome> {
  const text = JSON.stringify(body);
  let last: DeliveryOutcome = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const res = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: text,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      if (res.ok) return { ok: true, attempts: attempt, status: res.status };
      last = { ok: false, attempts: attempt, status: res.status, error: `HTTP ${res.status}` };
      if (res.status !== 429 && res.status < 500) return last;
    } catch (e) {
      last = { ok: false, attempts: attempt, error: (e as Error).message };
    }
    if (attempt < policy.attempts) await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
  }
  return last;
}
