/**
 * The benchmark's Okta tenant: an Okta double (the tests' own, test/collectors/api/doubles) in
 * its own process, so serving pages never competes with the collector on one event loop.
 * Prints its URL on stdout, then serves until killed.
 *
 *   node --import tsx bench/api-pull-double.ts USERS RATE_PER_SECOND(0 = none) FAIL_PAGE(0 = none)
 */
import { startOkta } from '../test/collectors/api/doubles/okta.ts';

const [users = 100_000, rate = 0, failPage = 0] = process.argv.slice(2).map(Number);
const DEPTS = ['営業部', '製造部', '情報システム部', '人事部', '経理部', '品質保証部'];
const list = Array.from({ length: users }, (_, i) => {
  const login = `user${String(i).padStart(6, '0')}@example.co.jp`;
  const created = new Date(Date.UTC(2015, 0, 1) + i * 60_000).toISOString();
  return {
    id: `00u${i.toString(36).padStart(8, '0')}x7`,
    status: i % 17 === 0 ? 'SUSPENDED' : 'ACTIVE',
    created,
    activated: created,
    statusChanged: created,
    lastLogin: i % 5 === 0 ? null : new Date(Date.UTC(2026, 10, 1) + (i % 1000) * 3_600_000).toISOString(),
    lastUpdated: created,
    passwordChanged: created,
    type: { id: 'oty1a2b3c4d5e6f7g8h9' },
    profile: { firstName: '太郎', lastName: `山田${i}`, mobilePhone: null, secondEmail: null, login, email: login, displayName: `山田${i} 太郎`, department: DEPTS[i % DEPTS.length], employeeNumber: `E${i}` },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `https://example.okta.com/api/v1/users/00u${i}` } },
  };
});
const d = await startOkta({
  users: list,
  token: 'bench-token',
  ...(rate > 0 ? { rateLimit: { limit: rate, windowSeconds: 1 } } : {}),
  ...(failPage > 0 ? { failPage: { page: failPage, status: 400, times: 1_000_000 } } : {}),
});
process.stdout.write(`${d.url}\n`);
