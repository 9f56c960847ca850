import { describe, expect, it } from 'vitest';
import { EvidenceInputError, IsmsError, StoreError } from '../src/errors.ts';
import { redactSecrets, secretQueryParams } from '../src/redact.ts';

describe('redactSecrets', () => {
  it.each([
    ['connect to http://elastic:hunter2@es.example:9200 failed', 'connect to http://[redacted]@es.example:9200 failed'],
    ['redis://:p4ss@10.0.0.5:6379/0', 'redis://[redacted]@10.0.0.5:6379/0'],
    ['https://ghp_token123@github.example/x', 'https://[redacted]@github.example/x'],
    ['GET https://h.example/a?x=1&token=abc&y=2', 'GET https://h.example/a?x=1&token=[redacted]&y=2'],
    ['see https://h.example/?API_KEY=abc: refused', 'see https://h.example/?API_KEY=[redacted]: refused'],
    ['(https://h.example/?access_token=abc)', '(https://h.example/?access_token=[redacted])'],
    ['Authorization: Bearer eyJhbGciOi.x.y sent', 'Authorization: Bearer [redacted] sent'],
    ['authorization=basic dXNlcjpwYXNz', 'authorization=basic [redacted]'],
    // Left alone: no credentials.
    ['https://es.example:9200/_search?size=0', 'https://es.example:9200/_search?size=0'],
    ['mail to carol@example.co.jp bounced', 'mail to carol@example.co.jp bounced'],
    ['/var/log/auth.log: 3 of 20 lines are not sshd log lines', '/var/log/auth.log: 3 of 20 lines are not sshd log lines'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('every error of the family is redacted when made', () => {
    for (const e of [new EvidenceInputError('https://u:pw@h/x.log', 'unreadable'), new StoreError('cannot reach postgres://app:pw@db/isms'), new IsmsError('X', 'GET /?api_key=pw')]) {
      expect(e.message).not.toContain('pw');
      expect(e.message).toContain('[redacted]');
    }
  });

  it('names the secret query parameters of a URL', () => {
    expect(secretQueryParams('https://h.example/?a=1&Token=x&api_key=y&token=z')).toEqual(['Token', 'api_key', 'token']);
    expect(secretQueryParams('https://h.example/?lang=ja')).toEqual([]);
    expect(secretQueryParams('not a url')).toEqual([]);
  });
});
