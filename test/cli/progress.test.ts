import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
}

describe('collection progress', () => {
  it('is silent when stderr is a pipe', () => {
    const { stream } = fakeStream(false);
    expect(terminalProgress(stream)).toBeUndefined();
  });

  it('on a terminal rewrites one line and ends it when the total is reached', () => {
    const { stream, written } = fakeStream(true);
    const p = terminalProgress(stream)!;
    p('hr', 50_000, 100_000);
    p('hr', 100_000, 100_000);
    expect(written[0]).toBe('\r\x1b[2Khr: 50,000 / 100,000 (50%)');
    expect(written.slice(1)).toEqual(['\r\x1b[2Khr: 100,000 / 100,000 (100%)', '\n']);
  });
});
