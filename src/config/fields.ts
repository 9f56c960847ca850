/**
 * The building blocks of the config schema that every part shares: zones, dates, cron, paths,
 * the fields common to every source, and the organisation, identity, storage, http and alerting
 * sections. Every object is strict: a key the schema does not know is an error, so a typo never
 * silently leaves a default in place. Source kinds (src/collectors/<kind>/source.ts) and KPIs
 * (src/kpi/<id>.ts) build their own parts from these; src/config/schema.ts puts them together.
 */
import { z } from 'zod';
import { cronProblem } from './cron.ts';

export const ianaZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Asia/Tokyo' },
);

/** A URL with no credentials in it: user:password, or a token / api key in the query. */
export const noCredentialsUrl = z
  .string()
  .refine((u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(u), {
    message: 'credentials must not be written in the config; put the URL in an environment variable',
  })
  .refine((u) => !/[?&#](?:[^=&#]*[_-])?(?:token|api[_-]?key|apikey|key|secret|password|passwd|pwd|auth|signature|sig)=/i.test(u), {
    message: 'a token or key must not be written in the config (found in the query); put the URL in an environment variable',
  });

/** A cron expression, checked with the library that runs it (5 fields, or 6 with seconds). */
export const cron = z.string().superRefine((s, ctx) => {
  const problem = cronProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' });

/** Lower-case ids used in metric labels and on the command line. */
export const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'expected lower-case letters, digits, - or _' });

export const encodingSchema = z
  .string()
  .default('auto')
  .describe('Character encoding of the input: auto (BOM, then UTF-8, then Shift_JIS/CP932 detection), utf-8, utf-16le, shift_jis, cp932, latin1, …');

/** Fields every source kind has. Spread into each kind's `z.strictObject`. */
export const commonSourceFields = {
  /** Unique id, used in metric labels (`source`) and in `collect <source>`. */
  id,
  schedule: cron.optional().describe('When `run` / `scheduler` collects this source (cron, in the organisation\'s zone).'),
  timeZone: ianaZone.optional().describe('Zone for timestamps without one in this source; default the organisation\'s.'),
  encoding: encodingSchema,
  enabled: z.boolean().default(true),
};

/** What every source config has, whatever its kind. */
export interface CommonSourceConfig {
  id: string;
  kind: string;
  schedule?: string;
  timeZone?: string;
  encoding: string;
  enabled: boolean;
}

/** Path or glob of input files, relative to the config file. */
export const pathField = z.string().min(1);
export const columnsField = z.record(z.string(), z.string()).describe('Our field name → the column header in the file.');
export const dateFormatField = z.string().optional().describe('Luxon format of dates, e.g. yyyy/MM/dd; default: ISO and common forms.');

export const organisationSchema = z.strictObject({
  name: z.string().min(1),
  timeZone: ianaZone.default('UTC'),
  /** 1 = January; many Japanese organisations use 4 (April). */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  internalDomains: z.array(z.string().min(1)).min(1),
  /** Domain appended to bare log-in names (`ken.ito`) when matching people. */
  defaultLoginDomain: z.string().optional(),
  /** Language of everything people read (pages, reports, CLI tables, alerts): `ja` or `en`. */
  language: z.enum(['en', 'ja']).default('en'),
});

export const identitySchema = z
  .strictObject({
    keys: z.array(z.enum(['email', 'employeeId', 'login'])).min(1).default(['email', 'employeeId', 'login']),
    /** Extra log-in name → a person's email or employee id. */
    aliases: z.record(z.string(), z.string()).default({}),
    serviceAccounts: z
      .strictObject({
        /** RE2 regular expressions (linear-time: no backreferences or lookaround). */
        loginPatterns: z.array(z.string()).default([]),
        types: z.array(z.string()).default([]),
      })
      .default({ loginPatterns: [], types: [] }),
  })
  .default({ keys: ['email', 'employeeId', 'login'], aliases: {}, serviceAccounts: { loginPatterns: [], types: [] } });

export const storageSchema = z
  .strictObject({
    /** Data directory of the local store, relative to the config file. */
    dataDir: z.string().min(1).default('.isms-kpi'),
    /**
     * The evidence store on PostgreSQL: the variable holding its URL. Without this section,
     * `DATABASE_URL` switches to PostgreSQL when set; with it, the named variable must be set.
     * @defaultValue `{ urlEnv: 'DATABASE_URL' }`
     */
    postgres: z.strictObject({ urlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').default('DATABASE_URL') }).optional(),
    /**
     * How long evidence is kept, e.g. `7y`, `18m`, `400d`: `isms-kpi store prune` removes
     * history no evaluation inside that window reads. Without it nothing is pruned.
     */
    retention: z.string().regex(/^\d+\s*[ymd]$/, 'a duration such as 7y, 18m or 400d').optional(),
  })
  .default({ dataDir: '.isms-kpi' });

export const httpSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9464),
    /** Link target for "show me the evidence" in alerts. */
    externalUrl: noCredentialsUrl.optional(),
  })
  .default({ host: '127.0.0.1', port: 9464 });

const drift = z.strictObject({ amount: z.number().positive(), window: z.string() });

export const alertingSchema = z
  .strictObject({
    /** Drift defaults: alert when a KPI moves this far from its target side within the window. */
    drift: drift.default({ amount: 0.05, window: '7d' }),
    for: z.string().default('15m'),
    webhooks: z
      .array(
        z.strictObject({
          id: z.string(),
          /** Environment variable holding the webhook URL (it carries a secret). */
          urlEnv: z.string(),
          format: z.enum(['json', 'slack', 'teams', 'alertmanager']).default('json'),
        }),
      )
      .default([]),
    repeatInterval: z.string().default('4h'),
  })
  .default({ drift: { amount: 0.05, window: '7d' }, for: '15m', webhooks: [], repeatInterval: '4h' });

/** `rolling N days` (1 ≤ N ≤ 3660), or a calendar period to date. */
export const periodSchema = z
  .string()
  .regex(/^(rolling \d+ days?|month|quarter|half-year|year)$/, {
    message: 'expected "rolling N days", "month", "quarter", "half-year" or "year"',
  })
  .refine((p) => {
    const m = /^rolling (\d+) days?$/.exec(p);
    return !m || (Number(m[1]) >= 1 && Number(m[1]) <= 3660);
  }, { message: 'a rolling period is 1 to 3660 days' });

/** The fields of an objective that do not depend on its KPI. */
export const objectiveFields = {
  id,
  /** In any language. */
  title: z.string().min(1),
  description: z.string().optional(),
  /** Default: the KPI's default target. */
  target: z.number().refine(Number.isFinite, { message: 'expected a finite number' }).optional(),
  /** Default: the KPI's default direction. */
  direction: z.enum(['at_least', 'at_most']).optional(),
  /** Status is `at_risk` (not `missed`) between warning and target. */
  warning: z.number().refine(Number.isFinite, { message: 'expected a finite number' }).optional(),
  period: periodSchema,
  owner: z.string().optional(),
  deadline: isoDate.optional(),
  /** ISO/IEC 27001:2022 Annex A control ids. */
  controls: z.array(z.string().regex(/^A\.[5-8]\.\d{1,2}$/, { message: 'expected an Annex A control id such as A.5.15' })).default([]),
  scope: z
    .strictObject({
      departments: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      /** Only these source ids feed the KPI (default: all of the needed kinds). */
      sources: z.array(z.string()).optional(),
    })
    .default({}),
  /** Alerting overrides (drift window and size, severities, for-durations). */
  alerts: z
    .strictObject({
      drift: drift.optional(),
      severity: z.enum(['critical', 'warning', 'info']).optional(),
      for: z.string().optional(),
    })
    .default({}),
};

export type OrganisationConfig = z.output<typeof organisationSchema>;
export type IdentityConfig = z.output<typeof identitySchema>;

/** An objective as the KPI engine sees it (target and direction filled in from the KPI's defaults). */
export interface ObjectiveConfig {
  id: string;
  title: string;
  description?: string;
  kpi: string;
  params: Readonly<Record<string, unknown>>;
  target: number;
  direction: 'at_least' | 'at_most';
  warning?: number;
  period: string;
  owner?: string;
  deadline?: string;
  controls: string[];
  scope: { departments?: string[]; groups?: string[]; sources?: string[] };
  alerts: { drift?: { amount: number; window: string }; severity?: 'critical' | 'warning' | 'info'; for?: string };
}
