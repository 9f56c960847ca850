/**
 * Opt-in integration test against a real Elasticsearch cluster: it runs ONLY when
 * ELASTICSEARCH_URL is set (`describe.runIf`), e.g.
 *   ELASTICSEARCH_URL=http://127.0.0.1:9200 npx vitest run test/collectors/access-log-elasticsearch
 * Without the variable vitest lists these tests as skipped: no cluster was asked for, nothing is
 * missing. ELASTICSEARCH_API_KEY (optional) authenticates. The test creates its own index
 * (`isms-kpi-test-<uuid>`) with ECS-like mappings, indexes five events and deletes it afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearchCollector } from '../../../src/collectors/access-log-elasticsearch/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import { testConfig, testContext } from '../access-log/context.ts';

const url = process.env['ELASTICSEARCH_URL'];
const apiKey = process.env['ELASTICSEARCH_API_KEY'];

describe.runIf(url)('access-log-elasticsearch against a real cluster', () => {
  const index = `isms-kpi-test-${randomUUID()}`;
  let client: Client;

  beforeAll(async () => {
    client = new Client({ node: url ?? '', ...(apiKey ? { auth: { apiKey } } : {}) });
    await client.indices.create({
      index,
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          user: { properties: { name: { type: 'keyword' } } },
          event: { properties: { category: { type: 'keyword' }, outcome: { type: 'keyword' }, code: { type: 'keyword' } } },
        },
      },
    });
    const docs = [
      { '@timestamp': '2026-03-01T00:30:00Z', event: { category: ['authentication'], outcome: 'success' }, user: { name: 'ken.ito' } },
      { '@timestamp': '2026-03-01T01:30:00Z', event: { category: ['authentication'], outcome: 'success' }, user: { name: 'ken.ito' } },
      { '@timestamp': '2026-03-01T02:00:00Z', event: { category: ['authentication'], outcome: 'failure' }, user: { name: 'ken.ito' } },
      // 15:30Z is 00:30 on 2 March in Tokyo
      { '@timestamp': '2026-03-01T15:30:00Z', event: { code: '4624', category: ['authentication'], outcome: 'success' }, user: { name: 'aya' } },
      { '@timestamp': '2026-03-01T03:00:00Z', event: { category: ['process'], outcome: 'success' }, user: { name: 'ken.ito' } },
    ];
    await client.bulk({ refresh: true, operations: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
  });
  afterAll(async () => {
    await client.indices.delete({ index }, { ignore: [404] });
    await client.close();
  });

  it('reads per-user, per-day aggregates in the organisation zone', async () => {
    const store = createMemoryStore();
    const cfg = testConfig('/tmp', 'Asia/Tokyo');
    const config = { ...cfg, env: { secrets: { ELASTICSEARCH_URL: url ?? '', ...(apiKey ? { ELASTICSEARCH_API_KEY: apiKey } : {}) } } };
    const source = {
      id: 'es', kind: 'access-log-elasticsearch' as const, index, urlEnv: 'ELASTICSEARCH_URL', lookbackDays: 30, pageSize: 1, shards: 1, encoding: 'auto', enabled: true,
      ...(apiKey ? { apiKeyEnv: 'ELASTICSEARCH_API_KEY' } : {}),
    };
    const out = (await createElasticsearchCollector().collect(source, testContext(config, store, new Date('2026-03-10T00:00:00Z')))) as FactsOutput<'access-day'>;
    expect([...(out.facts as Iterable<{ data: unknown }>)].map((f) => f.data)).toEqual([
      { account: 'ken.ito', day: '2026-03-01', successes: 2, failures: 1, lastSuccessAt: '2026-03-01T01:30:00.000Z', lastFailureAt: '2026-03-01T02:00:00.000Z', where: index },
      { account: 'aya', day: '2026-03-02', successes: 1, failures: 0, lastSuccessAt: '2026-03-01T15:30:00.000Z', where: index },
    ]);
    await store.close();
  });
});
