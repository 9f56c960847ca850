/** Which failures are retried: by error class and system error code, never by message text. */
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, EvidenceInputError, NotifyError, StoreError, TransientError, UsageError } from '../../src/errors.ts';
import { classifyError, forQueue } from '../../src/jobs/bullmq/retry.ts';

const sys = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.5:9200`), { code });

describe('classifyError', () => {
  it('retries transient conditions', () => {
    expect(classifyError(new TransientError('HTTP 503 from the IdP'))).toBe('retry');
    expect(classifyError(new StoreError('database is locked'))).toBe('retry');
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'SQLITE_BUSY']) expect(classifyError(sys(code))).toBe('retry');
    expect(classifyError(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe('retry');
    // An unexpected error may be transient; it is retried a bounded number of times.
    expect(classifyError(new TypeError('x is undefined'))).toBe('retry');
  });

  it('fails bad input and bad config at once', () => {
    expect(classifyError(new EvidenceInputError('/data/hr.csv', 'missing column email'))).toBe('fail');
    expect(classifyError(new ConfigError([{ file: 'isms.yaml', path: 'sources[0].path', message: 'required' }]))).toBe('fail');
    expect(classifyError(new UsageError('no source "x"'))).toBe('fail');
    expect(classifyError(new NotifyError('webhook said 400'))).toBe('fail');
    expect(classifyError(new UnrecoverableError('given up'))).toBe('fail');
    expect(classifyError(sys('ENOENT'))).toBe('retry');
  });
});

describe('forQueue', () => {
  it('turns a non-retryable error into an UnrecoverableError that keeps the code and message', () => {
    const out = forQueue(new EvidenceInputError('hr.csv', 'missing column email'));
    expect(out).toBeInstanceOf(UnrecoverableError);
    expect(out.message).toBe('EVIDENCE_INPUT: hr.csv: missing column email');
  });

  it('passes a retryable error through unchanged', () => {
    const e = new TransientError('reset');
    expect(forQueue(e)).toBe(e);
  });
});
