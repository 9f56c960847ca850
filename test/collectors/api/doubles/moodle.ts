/**
 * A Moodle web-services double, from Moodle's external function definitions: REST at
 * `POST /webservice/rest/server.php` with `wstoken`, `wsfunction`, `moodlewsrestformat=json`
 * and PHP-style array parameters; refusals are HTTP 200 with `{exception, errorcode, message}`
 * (`invalidtoken`, `accessexception` for a function outside the service). Functions:
 * core_webservice_get_site_info, core_course_get_courses_by_field (`{courses, warnings}`),
 * core_enrol_get_enrolled_users (an array; options limitfrom/limitnumber/userfields),
 * core_completion_get_course_completion_status (`{completionstatus: {completed, aggregation,
 * completions: [{type, title, status, complete, timecompleted, details}]}, warnings}`).
 */
import { formOf, startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface MoodleUser {
  id: number;
  email: string;
  fullname: string;
  /** Criteria met, epoch seconds (undefined = not met). */
  criteria: (number | undefined)[];
}

export interface MoodleCourse {
  id: number;
  fullname: string;
  shortname: string;
  /** 1 = all criteria, 2 = any. */
  aggregation: 1 | 2;
  users: MoodleUser[];
}

const FUNCTIONS = ['core_webservice_get_site_info', 'core_course_get_courses_by_field', 'core_enrol_get_enrolled_users', 'core_completion_get_course_completion_status'];

const exception = (errorcode: string, message: string, exception = 'moodle_exception'): Reply => ({ body: { exception, errorcode, message } });

export async function startMoodle(o: { token: string; courses: readonly MoodleCourse[]; allowed?: string[] }): Promise<Double> {
  const allowed = o.allowed ?? FUNCTIONS;
  return startDouble((req: Logged): Reply => {
    if (req.url.pathname !== '/webservice/rest/server.php') return { status: 404, body: 'not found' };
    const f = formOf(req);
    if (f.get('wstoken') !== o.token) return exception('invalidtoken', 'Invalid token - token not found');
    const fn = f.get('wsfunction') ?? '';
    if (!allowed.includes(fn)) return exception('accessexception', 'Access control exception', 'webservice_access_exception');
    const option = (name: string) => {
      for (let i = 0; f.has(`options[${i}][name]`); i++) if (f.get(`options[${i}][name]`) === name) return f.get(`options[${i}][value]`) ?? undefined;
      return undefined;
    };
    switch (fn) {
      case 'core_webservice_get_site_info':
        return { body: { sitename: '例示LMS', username: 'isms-reader', userid: 2, functions: allowed.map((name) => ({ name, version: '2024100700' })) } };
      case 'core_course_get_courses_by_field': {
        const ids = (f.get('value') ?? '').split(',').map(Number);
        return { body: { courses: o.courses.filter((c) => ids.includes(c.id)).map((c) => ({ id: c.id, fullname: c.fullname, shortname: c.shortname, displayname: c.fullname })), warnings: [] } };
      }
      case 'core_enrol_get_enrolled_users': {
        const c = o.courses.find((x) => x.id === Number(f.get('courseid')));
        if (!c) return exception('invalidrecord', "Can't find data record in database table course.", 'dml_missing_record_exception');
        const from = Number(option('limitfrom') ?? 0);
        const n = Number(option('limitnumber') ?? 0) || c.users.length;
        const fields = (option('userfields') ?? 'id,fullname,email').split(',');
        return { body: c.users.slice(from, from + n).map((u) => ({ id: u.id, fullname: u.fullname, ...(fields.includes('email') ? { email: u.email } : {}) })) };
      }
      case 'core_completion_get_course_completion_status': {
        const c = o.courses.find((x) => x.id === Number(f.get('courseid')));
        const u = c?.users.find((x) => x.id === Number(f.get('userid')));
        if (!c || !u) return exception('usernotenroled', 'User is not enrolled in this course');
        const completions = u.criteria.map((t, i) => ({
          type: 4, title: `Activity ${i + 1}`, status: t ? 'Yes' : 'No', complete: t !== undefined, timecompleted: t ?? null,
          details: { type: 'Activity completion', criteria: `Activity ${i + 1}`, requirement: 'Marking yourself complete', status: '' },
        }));
        const done = c.aggregation === 1 ? completions.every((x) => x.complete) : completions.some((x) => x.complete);
        return { body: { completionstatus: { completed: done, aggregation: c.aggregation, completions }, warnings: [] } };
      }
    }
    return exception('invalidfunction', 'Invalid function');
  });
}
