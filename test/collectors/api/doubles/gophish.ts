/**
 * A GoPhish double, from GoPhish's documented API: every request carries the API key
 * (`Authorization: Bearer <key>`); `GET /api/campaigns/summary` answers
 * `{"total", "campaigns": [{id, created_date, launch_date, send_by_date, completed_date, status,
 * name, stats}]}`; `GET /api/campaigns/{id}/results` answers `{id, name, status, results,
 * timeline}`; unset dates are Go's zero time `0001-01-01T00:00:00Z`; a bad key gets 401
 * `{"message": "Invalid API Key", "success": false, "data": null}`.
 */
import { startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface GophishCampaign {
  id: number;
  name: string;
  status: string;
  created_date: string;
  launch_date: string;
  completed_date?: string;
  results: Record<string, unknown>[];
  timeline?: Record<string, unknown>[];
}

export const ZERO = '0001-01-01T00:00:00Z';

export async function startGophish(o: { key: string; campaigns: () => readonly GophishCampaign[] }): Promise<Double> {
  return startDouble((req: Logged): Reply => {
    if (req.headers.authorization !== `Bearer ${o.key}`) return { status: 401, body: { message: 'Invalid API Key', success: false, data: null } };
    const list = o.campaigns();
    if (req.url.pathname === '/api/campaigns/summary') {
      return {
        body: {
          total: list.length,
          campaigns: list.map((c) => ({
            id: c.id, created_date: c.created_date, launch_date: c.launch_date, send_by_date: ZERO, completed_date: c.completed_date ?? ZERO, status: c.status, name: c.name,
            stats: { total: c.results.length, sent: c.results.length, opened: 0, clicked: 0, submitted_data: 0, email_reported: 0, error: 0 },
          })),
        },
      };
    }
    const m = /^\/api\/campaigns\/(\d+)\/results$/.exec(req.url.pathname);
    const c = m ? list.find((x) => x.id === Number(m[1])) : undefined;
    if (!c) return { status: 404, body: { message: 'Campaign not found', success: false, data: null } };
    return { body: { id: c.id, name: c.name, status: c.status, results: c.results, timeline: c.timeline ?? [] } };
  });
}
