/**
 * Structured logs (pino) to stderr, so stdout stays for command output. Personal data is
 * redacted by field name wherever it appears; child loggers carry the source and job ids.
 */
import { pino } from 'pino';
import type { Logger } from './collectors/types.ts';

/** Field names whose values are personal data or secrets and never reach a log line. */
export const REDACTED_FIELDS = [
  'email', 'login', 'account', 'accountId', 'owner', 'person', 'employeeId', 'name', 'displayName',
  'sender', 'recipient', 'recipients', 'subject', 'file', 'path', 'filename', 'token', 'password',
  'apiKey', 'authorization', 'url',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream = process.stderr): Logger & { child(b: object): Logger } {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((f) => `*.${f}`)], censor: '[redacted]' },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
