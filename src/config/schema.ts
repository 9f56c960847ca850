/**
 * The one schema of the config file. It validates the YAML, documents every field, and emits
 * the JSON Schema for editors (`isms-kpi schema`). Secrets are never in the file: fields that
 * need one name an environment variable (`…Env`).
 */
import { z } from 'zod';
import { secretQueryParams } from '../redact.ts';

const ianaZone = z.string().refine(
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

const noCredentialsUrl = z
  .string()
  .refine((u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(u), {
    message: 'credentials must not be written in the config; put the URL in an environment variable',
  });

/** A URL people are sent to (evidence links in alerts): no credentials, no token in its query. */
const publicUrl = noCredentialsUrl.superRefine((u, ctx) => {
  const names = secretQueryParams(u);
  if (names.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `a secret must not be in the URL's query (${names.map((n) => `\`${n}\``).join(', ')}): the link is shown to people and written into alerts; protect the pages another way`,
    });
  }
});

/** A cron expression (node-cron syntax, 5 or 6 fields). */
const cron = z
  .string()
  .regex(/^\s*(\S+\s+){4,5}\S+\s*$/, { message: 'expected a cron expression with 5 or 6 fields' });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' });

export const encodingSchema = z
  .string()
  .default('auto')
  .describe('Character encoding of the input: auto (BOM, then UTF-8, then Shift_JIS/CP932 detection), utf-8, utf-16le, shift_jis, cp932, latin1, …');

const common = {
  /** Unique id, used in metric labels (`source`) and in `collect <source>`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'expected lower-case letters, digits, - or _' }),
  schedule: cron.optional().describe('When `run` / `scheduler` collects this source (cron).'),
  timeZone: ianaZone.optional().describe('Zone for timestamps without one in this source; default the organisation\'s.'),
  encoding: encodingSchema,
  enabled: z.boolean().default(true),
};

/** Fields of snapshot sources (each export is the whole population). */
const snapshot = {
  /**
   * The shrink guard: an export with more than this share fewer records than the previous
   * observation (of at least 10 records) is refused, nothing stored. 1 accepts any shrink.
   * @defaultValue 0.2
   */
  maxShrink: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Share (0..1) of the previous export\'s records a new export may lose before it is refused as truncated (default 0.2; 1 = never refuse).'),
};

/** Path or glob(s) of input files, relative to the config file. */
const pathField = z.string().min(1);
const columns = z.record(z.string(), z.string()).describe('Our field name → the column header in the file.');

export const hrSourceSchema = z.object({
  ...common,
  ...snapshot,
  kind: z.literal('hr-roster'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columns.default({}),
  dateFormat: z.string().optional().describe('Luxon format of dates, e.g. yyyy/MM/dd; default: ISO and common forms.'),
  /** Status values meaning "has left" (besides a leave date in the past). */
  leftStatuses: z.array(z.string()).default(['left', 'terminated', 'inactive', '退職']),
});

export const idpSourceSchema = z.object({
  ...common,
  ...snapshot,
  kind: z.literal('idp'),
  format: z.enum(['okta-json', 'entra-csv', 'entra-json', 'google-csv', 'google-json', 'keycloak-json', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columns.default({}),
  dateFormat: z.string().optional(),
});

export const lmsSourceSchema = z.object({
  ...common,
  ...snapshot,
  kind: z.literal('lms'),
  format: z.enum(['moodle-csv', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  /** Course name for a Moodle per-course export (its file has no course column). */
  course: z.string().optional(),
  columns: columns.default({}),
  dateFormat: z.string().optional(),
});

export const phishingSourceSchema = z.object({
  ...common,
  ...snapshot,
  kind: z.literal('phishing'),
  format: z.enum(['gophish-csv', 'gophish-json']),
  path: pathField,
  /** Campaign name when the file does not carry one (CSV). Default: the file name. */
  campaign: z.string().optional(),
  /** Launch time when the file does not carry one. */
  launchedAt: z.string().optional(),
});

export const incidentSourceSchema = z.object({
  ...common,
  ...snapshot,
  kind: z.literal('incidents'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columns.default({}),
  dateFormat: z.string().optional(),
});

export const accessLogSourceSchema = z.object({
  ...common,
  kind: z.literal('access-log'),
  format: z.enum(['combined', 'common', 'vhost_combined', 'sshd', 'ecs-json']),
  /** Glob(s) of log files; rotated `.1`, `.2.gz` siblings are found by the glob. */
  paths: z.array(pathField).min(1),
  /** Split the files into this many shards for the queue's flow (1 = no split). */
  shards: z.number().int().min(1).default(1),
});

export const elasticsearchSourceSchema = z.object({
  ...common,
  kind: z.literal('access-log-elasticsearch'),
  /** Index pattern, e.g. `filebeat-*,winlogbeat-*`. */
  index: z.string().min(1),
  /** Environment variable holding the cluster URL. */
  urlEnv: z.string().default('ELASTICSEARCH_URL'),
  apiKeyEnv: z.string().optional(),
  usernameEnv: z.string().optional(),
  passwordEnv: z.string().optional(),
  caFileEnv: z.string().optional(),
  /** How far back the first collection reads, in days. */
  lookbackDays: z.number().int().min(1).default(400),
  pageSize: z.number().int().min(1).max(10000).default(1000),
  /** Split the interval read into this many time slices for the queue's flow (1 = no split). */
  shards: z.number().int().min(1).default(1),
});

export const mailSourceSchema = z.object({
  ...common,
  kind: z.literal('mail-journal'),
  format: z.enum(['eml', 'maildir', 'mbox']),
  path: pathField,
  /** Messages above this size (bytes) are recorded as too large to inspect. */
  maxMessageBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
  /** Attachment types not counted, by extension. */
  ignorableExtensions: z.array(z.string()).default(['.ics', '.vcf']),
  shards: z.number().int().min(1).default(1),
  /** Replace sender addresses by a keyed hash (key from PSEUDONYM_KEY). */
  pseudonymise: z.boolean().default(false),
});

export const sourceSchema = z.discriminatedUnion('kind', [
  hrSourceSchema,
  idpSourceSchema,
  lmsSourceSchema,
  phishingSourceSchema,
  incidentSourceSchema,
  accessLogSourceSchema,
  elasticsearchSourceSchema,
  mailSourceSchema,
]);

export const KPI_IDS = [
  'stale-account-deletion-rate',
  'leaver-activity-count',
  'encryption-miss-rate',
  'training-completion-rate',
  'phishing-click-rate',
  'phishing-report-rate',
  'mfa-coverage',
  'password-age-compliance',
  'incident-report-sla-rate',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

/** `rolling N days`, or a calendar period to date. */
export const periodSchema = z
  .string()
  .regex(/^(rolling \d+ days?|month|quarter|half-year|year)$/, {
    message: 'expected "rolling N days", "month", "quarter", "half-year" or "year"',
  });

export const objectiveSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'expected lower-case letters, digits, - or _' }),
  /** In any language. */
  title: z.string().min(1),
  description: z.string().optional(),
  kpi: z.enum(KPI_IDS),
  /** KPI parameters (graceDays, dormantDays, courses, maxAgeDays, slaHours, …). */
  params: z.record(z.string(), z.unknown()).default({}),
  target: z.number(),
  direction: z.enum(['at_least', 'at_most']),
  /** Status is `at_risk` (not `missed`) between warning and target. */
  warning: z.number().optional(),
  period: periodSchema,
  owner: z.string().optional(),
  deadline: isoDate.optional(),
  /** ISO/IEC 27001:2022 Annex A control ids. */
  controls: z.array(z.string().regex(/^A\.[5-8]\.\d{1,2}$/, { message: 'expected an Annex A control id such as A.5.15' })).default([]),
  scope: z
    .object({
      departments: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      /** Only these source ids feed the KPI (default: all of the needed kinds). */
      sources: z.array(z.string()).optional(),
    })
    .default({}),
  /** Alerting overrides (drift window and size, severities, for-durations). */
  alerts: z
    .object({
      drift: z.object({ amount: z.number().positive(), window: z.string() }).optional(),
      severity: z.enum(['critical', 'warning', 'info']).optional(),
      for: z.string().optional(),
    })
    .default({}),
});

export const configSchema = z.object({
  organisation: z.object({
    name: z.string().min(1),
    timeZone: ianaZone.default('UTC'),
    /** 1 = January; many Japanese organisations use 4 (April). */
    fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
    internalDomains: z.array(z.string().min(1)).min(1),
    /** Domain appended to bare log-in names (`ken.ito`) when matching people. */
    defaultLoginDomain: z.string().optional(),
    /** Language of generated texts (alerts, dashboards): `ja` or `en`. */
    language: z.enum(['en', 'ja']).default('en'),
  }),
  identity: z
    .object({
      keys: z.array(z.enum(['email', 'employeeId', 'login'])).min(1).default(['email', 'employeeId', 'login']),
      /** Extra log-in name → a person's email or employee id. */
      aliases: z.record(z.string(), z.string()).default({}),
      serviceAccounts: z
        .object({
          loginPatterns: z.array(z.string()).default([]),
          types: z.array(z.string()).default([]),
        })
        .default({ loginPatterns: [], types: [] }),
    })
    .default({ keys: ['email', 'employeeId', 'login'], aliases: {}, serviceAccounts: { loginPatterns: [], types: [] } }),
  sources: z.array(sourceSchema).default([]),
  objectives: z.array(objectiveSchema).default([]),
  storage: z
    .object({
      /** Data directory of the local store, relative to the config file. */
      dataDir: z.string().default('.isms-kpi'),
    })
    .default({ dataDir: '.isms-kpi' }),
  http: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9464),
      /** Link target for "show me the evidence" in alerts. */
      externalUrl: publicUrl.optional(),
    })
    .default({ host: '127.0.0.1', port: 9464 }),
  alerting: z
    .object({
      /** Drift defaults: alert when a KPI moves this far from its target side within the window. */
      drift: z.object({ amount: z.number().positive(), window: z.string() }).default({ amount: 0.05, window: '7d' }),
      for: z.string().default('15m'),
      webhooks: z
        .array(
          z.object({
            id: z.string(),
            /** Environment variable holding the webhook URL (it carries a secret). */
            urlEnv: z.string(),
            format: z.enum(['json', 'slack', 'teams', 'alertmanager']).default('json'),
          }),
        )
        .default([]),
      repeatInterval: z.string().default('4h'),
    })
    .default({ drift: { amount: 0.05, window: '7d' }, for: '15m', webhooks: [], repeatInterval: '4h' }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type SourceKind = SourceConfig['kind'];
export type SourceOf<K extends SourceKind> = Extract<SourceConfig, { kind: K }>;
export type ObjectiveConfig = z.output<typeof objectiveSchema>;
export type OrganisationConfig = ParsedConfig['organisation'];
export type IdentityConfig = ParsedConfig['identity'];

/** JSON Schema of the config file, for editors (yaml-language-server). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
