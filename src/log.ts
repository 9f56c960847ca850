/**
 * Structured logs (pino) to stderr, so stdout stays for command output. Personal data is
 * redacted by field name wherever it appears, credentials by their shape in every string (a
 * URL's `user:password@`, a token in a query: src/redact.ts); child loggers carry the source and
 * job ids. A rejected input value (`Rejection.value`) is never logged.
 */
import { pino } from 'pino';
import type { Logger } from './collectors/types.ts';
import { redactSecrets } from './redact.ts';

/** Field names whose values are personal data or secrets and never reach a log line. */
export const REDACTED_FIELDS = [
  'email', 'login', 'account', 'accountId', 'owner', 'person', 'employeeId', 'name', 'displayName',
  'sender', 'recipient', 'recipients', 'subject', 'file', 'path', 'filename', 'token', 'password',
  'apiKey', 'authorization', 'url', 'value',
];

/** Strings of a log record with credentials redacted (objects a few levels down too; a copy). */
function redactStrings(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return redactSecrets(v);
  if (depth > 4 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactStrings(x, depth + 1));
  if (v instanceof Error) return { type: v.name, message: redactSecrets(v.message), ...(v.stack ? { stack: redactSecrets(v.stack) } : {}) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = redactStrings(x, depth + 1);
  return out;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream = process.stderr): Logger & { child(b: object): Logger } {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((f) => `*.${f}`)], censor: '[redacted]' },
      formatters: { log: (obj) => redactStrings(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
