/** The finding lifecycle replay (src/kpi/findings.ts) on small hand-made series. */
import { describe, expect, it } from 'vitest';
import { replayFindings, type FindingEpisode } from '../../src/kpi/findings.ts';
import { jst, scan } from './scans.ts';

async function replay(rows: ReturnType<typeof scan>[], at = '2026-12-31T00:00') {
  const episodes: FindingEpisode[] = [];
  const discarded: string[] = [];
  const outcome = await replayFindings(async function* () { yield* rows; }, Date.parse(jst(at)), {
    episode: (e) => episodes.push(e),
    discard: (k) => discarded.push(k),
  });
  const show = (e: FindingEpisode) => `${e.asset} ${e.id} ${new Date(e.firstSeenMs).toISOString().slice(5, 10)}→${e.fixedAtMs === undefined ? 'open' : new Date(e.fixedAtMs).toISOString().slice(5, 10)}`;
  return { episodes: episodes.map(show).sort(), outcome, discarded };
}

describe('replayFindings', () => {
  it('found, still open, fixed, re-introduced (a new finding), and a report of another asset closes nothing', async () => {
    const { episodes } = await replay([
      scan('a', '2026-10-01T12:00', [['X', 'high']]),
      scan('b', '2026-10-02T12:00', []),
      scan('a', '2026-10-03T12:00', [['X', 'high']]),
      scan('a', '2026-10-05T12:00', []),
      scan('a', '2026-10-07T12:00', [['X', 'high']]),
    ]);
    expect(episodes).toEqual(['a X 10-01→10-05', 'a X 10-07→open']);
  });

  it('two reports of one asset at the same scan time are one snapshot; a finding is (id, package, port)', async () => {
    const { episodes } = await replay([
      scan('a', '2026-10-01T12:00', [['X', 'high', { pkg: 'p1' }], ['X', 'high', { pkg: 'p2' }]]),
      scan('a', '2026-10-02T12:00', [['X', 'high', { pkg: 'p1' }]], { report: 'r1' }),
      scan('a', '2026-10-02T12:00', [['X', 'high', { pkg: 'p3' }]], { report: 'r2' }),
    ]);
    // X/p2 is fixed by the 10-02 snapshot (r1 ∪ r2); X/p1 stays open; X/p3 is new.
    expect(episodes).toEqual(['a X 10-01→10-02', 'a X 10-01→open', 'a X 10-02→open']);
  });

  it('a report scanned after T is not known at T', async () => {
    const { episodes } = await replay([scan('a', '2026-10-01T12:00', [['X', 'high']]), scan('a', '2026-10-09T12:00', [])], '2026-10-05T00:00');
    expect(episodes).toEqual(['a X 10-01→open']);
  });

  it('reports out of scan order: the asset is discarded from the first pass and replayed in order', async () => {
    const { episodes, outcome, discarded } = await replay([
      scan('a', '2026-10-03T12:00', []),
      scan('a', '2026-10-01T12:00', [['X', 'high']]),
      scan('b', '2026-10-01T12:00', [['Y', 'low']]),
    ]);
    expect(episodes).toEqual(['a X 10-01→10-03', 'b Y 10-01→open']);
    expect([outcome.replayed, discarded]).toEqual([1, ['trivy\u001fa']]);
  });

  it('an incomplete report is left out and reported', async () => {
    const { episodes, outcome } = await replay([
      scan('a', '2026-10-01T12:00', [['X', 'high']]),
      scan('a', '2026-10-02T12:00', [], { parts: 2 }),
    ]);
    expect(episodes).toEqual(['a X 10-01→open']);
    expect(outcome.incomplete.map((i) => [i.asset, i.scanAt])).toEqual([['a', jst('2026-10-02T12:00')]]);
  });

  it('an asset is the same asset whatever the case of its name, but not across sources', async () => {
    const { episodes } = await replay([
      scan('Web01', '2026-10-01T12:00', [['X', 'high']]),
      scan('web01', '2026-10-02T12:00', []),
      scan('web01', '2026-10-01T12:00', [['Z', 'high']], {}, 'nessus'),
    ]);
    expect(episodes).toEqual(['Web01 X 10-01→10-02', 'web01 Z 10-01→open']);
  });
});
