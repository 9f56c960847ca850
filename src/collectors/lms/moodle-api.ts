/**
 * Moodle web services (`moodle-api`): who completed the configured courses, as the course
 * completion report (`moodle-csv`) lists them.
 *
 * - Protocol: REST, `POST /webservice/rest/server.php` with `moodlewsrestformat=json`; the token
 *   goes in the form body, never in a URL. Moodle answers refusals with HTTP 200 and an
 *   `exception` object: `invalidtoken`, `accessexception` and permission errors fail the run at
 *   once (bad input), like a 401/403 elsewhere.
 * - Functions (the service needs exactly these): `core_course_get_courses_by_field` (course
 *   names), `core_enrol_get_enrolled_users` (paged with limitfrom/limitnumber, active
 *   enrolments), `core_completion_get_course_completion_status` (per user, `concurrency` at a
 *   time), and `core_webservice_get_site_info` for `--check`.
 * - Completion time: the status call says whether the course is complete and when each criterion
 *   was met, not when Moodle's cron marked the course complete. The completion time is when the
 *   last criterion was met (aggregation "all") or the first (aggregation "any"): the moment the
 *   course became complete. The report's date is the cron's stamp, a few minutes later at most.
 * - Person: the user's email, lower-cased, as the report's "Email address" column.
 */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { CompletionRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { secretFrom } from '../api/auth.ts';
import { joinUrl, runClient } from '../api/fields.ts';
import { mapLimit, type ApiClient, type ApiResponse, type HttpDeps, type Verdict } from '../api/http.ts';
import { apiRecords } from '../api/records.ts';
import { sourceZone, type RowResult } from '../csv/source.ts';
import { instant } from '../idp/values.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { completion } from './parse.ts';

type MoodleApiSource = Extract<SourceOf<'lms'>, { format: 'moodle-api' }>;

const AUTH_CODES = new Set([
  'invalidtoken', 'accessexception', 'nopermissions', 'requireloginerror', 'servicerequireslogin', 'invalidlogin',
  'servicenotavailable', 'usernotfullysetup', 'sitemaintenance', 'forcepasswordchangenotice',
]);

/** A Moodle `exception` answer (HTTP 200 with `{exception, errorcode, message}`). */
export class MoodleException extends EvidenceInputError {
  constructor(
    endpoint: string,
    readonly errorcode: string,
    message: string,
  ) {
    super(endpoint, message);
  }
}

interface MoodleError {
  exception?: string;
  errorcode?: string;
  message?: string;
}

function moodleError(res: ApiResponse): MoodleError | undefined {
  if (!res.text.startsWith('{')) return undefined;
  try {
    const b = JSON.parse(res.text) as MoodleError;
    return typeof b.exception === 'string' ? b : undefined;
  } catch {
    return undefined;
  }
}

/** Moodle refuses with HTTP 200: an auth error code is one whatever the status. */
function moodleClassify(res: ApiResponse): Verdict | undefined {
  const e = moodleError(res);
  if (e && AUTH_CODES.has(e.errorcode ?? '')) return { kind: 'auth' };
  return undefined;
}

function moodleMessage(res: ApiResponse): string | undefined {
  const e = moodleError(res);
  return e ? `${e.errorcode ?? e.exception}: ${e.message ?? ''}`.trim() : undefined;
}

/** PHP-style form fields: `options[0][name]=limitfrom`. */
function form(params: Record<string, unknown>, prefix = '', out = new URLSearchParams()): URLSearchParams {
  for (const [k, v] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') form(v as Record<string, unknown>, name, out);
    else if (v !== undefined) out.append(name, String(v));
  }
  return out;
}

class Moodle {
  readonly endpoint: string;
  constructor(
    readonly client: ApiClient,
    private readonly token: string,
    source: MoodleApiSource,
  ) {
    this.endpoint = joinUrl(source.baseUrl, '/webservice/rest/server.php').href;
  }

  async call<T>(fn: string, params: Record<string, unknown>, label: string): Promise<T> {
    const body = form({ wstoken: this.token, wsfunction: fn, moodlewsrestformat: 'json', ...params });
    const res = await this.client.request({ url: this.endpoint, method: 'POST', body, label: `${fn} (${label})`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
    const e = moodleError(res);
    if (e) throw new MoodleException(this.endpoint, e.errorcode ?? e.exception ?? '?', `Moodle refused ${fn} (${label}): ${this.client.redact(moodleMessage(res) ?? '')}`);
    return this.client.parse<T>(res, `${fn} (${label})`);
  }
}

function connect(source: MoodleApiSource, ctx: CollectContext, deps?: HttpDeps): Moodle {
  const client = runClient('Moodle', source, ctx, deps, { classify: moodleClassify, message: moodleMessage });
  const token = secretFrom(ctx.config, source.id, 'tokenEnv', source.tokenEnv);
  client.hide(token);
  return new Moodle(client, token, source);
}

interface Course {
  id: number;
  fullname: string;
}

async function courseNames(m: Moodle, ids: readonly number[]): Promise<Course[]> {
  const r = await m.call<{ courses?: Course[] }>('core_course_get_courses_by_field', { field: 'ids', value: ids.join(',') }, `courses ${ids.join(', ')}`);
  const byId = new Map((r.courses ?? []).map((c) => [c.id, c]));
  return ids.map((id) => {
    const c = byId.get(id);
    if (!c) throw new EvidenceInputError(m.endpoint, `Moodle: course ${id} does not exist or the service user cannot see it`);
    return c;
  });
}

interface EnrolledUser {
  id: number;
  email?: string;
}

interface CompletionStatus {
  completionstatus?: { completed?: boolean; aggregation?: number; completions?: { complete?: boolean; timecompleted?: number | null }[] };
}

/** One enrolled user of one course and what the status call said. */
export interface UserCompletion {
  course: string;
  user: EnrolledUser;
  status?: CompletionStatus;
  /** The status call refused this user (e.g. no longer enrolled): rejected, never "not completed" silently. */
  refused?: string;
}

/** When the course became complete: the last criterion met (aggregation all, 1) or the first (any, 2). Pure. */
export function completedAt(status: CompletionStatus['completionstatus']): number | undefined {
  const times = (status?.completions ?? []).filter((c) => c.complete && typeof c.timecompleted === 'number' && c.timecompleted > 0).map((c) => c.timecompleted as number);
  if (times.length === 0) return undefined;
  return status?.aggregation === 2 ? Math.min(...times) : Math.max(...times);
}

/** A user's completion → a record, as parseMoodleRow makes one (null: not completed). Pure. */
export function parseUserCompletion(u: UserCompletion, zone: string): RowResult<CompletionRecord> | null {
  if (u.refused) return { ok: false, field: 'status', reason: `course "${u.course}": ${u.refused}` };
  const s = u.status?.completionstatus;
  if (!s?.completed) return null;
  const email = u.user.email?.trim().toLowerCase();
  if (!email) return { ok: false, field: 'email', reason: `course "${u.course}": user ${u.user.id} has no email visible to the service user` };
  const t = completedAt(s);
  if (t === undefined) return { ok: false, field: 'timecompleted', reason: `course "${u.course}": completed, but no criterion says when` };
  const at = instant(t * 1000, zone, 'timecompleted');
  if (!at) return { ok: false, field: 'timecompleted', reason: `course "${u.course}": no completion time` };
  return completion(email, u.course, at);
}

const NOT_ENROLLED = new Set(['usernotenroled', 'notenroled', 'invaliduser']);

async function* completionPages(m: Moodle, source: MoodleApiSource, courses: readonly Course[]): AsyncGenerator<UserCompletion[]> {
  for (const course of courses) {
    for (let page = 1, from = 0; ; page++) {
      const label = `course ${course.id}, page ${page} of enrolled users (limitfrom ${from})`;
      const users = await m.call<EnrolledUser[]>('core_enrol_get_enrolled_users', {
        courseid: course.id,
        options: [
          { name: 'onlyactive', value: 1 },
          { name: 'userfields', value: 'id,email' },
          { name: 'limitfrom', value: from },
          { name: 'limitnumber', value: source.pageSize },
        ],
      }, label);
      if (!Array.isArray(users)) throw new EvidenceInputError(m.endpoint, `Moodle ${label}: expected a list of users`);
      const out = await mapLimit(users, source.concurrency, async (user, i): Promise<UserCompletion> => {
        try {
          const status = await m.call<CompletionStatus>('core_completion_get_course_completion_status', { courseid: course.id, userid: user.id }, `user ${from + i + 1} of ${label}`);
          return { course: course.fullname, user, status };
        } catch (e) {
          if (e instanceof MoodleException && e.errorcode === 'nocriteriaset') {
            throw new EvidenceInputError(m.endpoint, `Moodle: course ${course.id} ("${course.fullname}") has no completion criteria, so Moodle cannot say who completed it`);
          }
          if (e instanceof MoodleException && NOT_ENROLLED.has(e.errorcode)) return { course: course.fullname, user, refused: e.errorcode };
          throw e;
        }
      });
      yield out;
      if (users.length < source.pageSize) break;
      from += users.length;
    }
  }
}

export async function moodleRecords(source: MoodleApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<AsyncIterable<{ key: string; data: CompletionRecord }>> {
  const m = connect(source, ctx, deps);
  const courses = await courseNames(m, source.courses);
  const zone = sourceZone(source, ctx);
  return apiRecords(m.endpoint, completionPages(m, source, courses), (u) => parseUserCompletion(u as UserCompletion, zone), ctx, 'completion');
}

export async function checkMoodle(source: MoodleApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const m = connect(source, ctx, deps);
  const info = await m.call<{ username?: string; sitename?: string; functions?: { name?: string }[] }>('core_webservice_get_site_info', {}, 'the token\'s user');
  const [course] = await courseNames(m, source.courses.slice(0, 1));
  const users = await m.call<unknown[]>('core_enrol_get_enrolled_users', { courseid: course!.id, options: [{ name: 'onlyactive', value: 1 }, { name: 'userfields', value: 'id' }, { name: 'limitnumber', value: source.pageSize }] }, `course ${course!.id}`);
  const n = Array.isArray(users) ? users.length : 0;
  return {
    principal: `${info.username ?? '?'} on ${info.sitename ?? 'Moodle'}`,
    scopes: (info.functions ?? []).map((f) => String(f.name)),
    visible: n,
    more: n >= source.pageSize,
    what: 'enrolments',
    within: course!.fullname,
  };
}
