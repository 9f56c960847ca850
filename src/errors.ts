/**
 * One error family with stable codes. Each boundary has its own subclass so callers can
 * decide what to do (exit 2 on config, report-not-retry on bad input, retry on a lost
 * connection) without parsing messages.
 */
export class IsmsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem in a config file, located by file, line and field path. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path with indexes, e.g. `objectives[2].target`. */
  path: string;
  message: string;
}

/** The config file is unreadable or invalid. CLI exit code 2. */
export class ConfigError extends IsmsError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super('CONFIG_INVALID', issues.map(formatConfigIssue).join('\n'), options);
    this.issues = issues;
  }
}

export function formatConfigIssue(i: ConfigIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : i.file;
  return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

/** Bad command-line usage. CLI exit code 2. */
export class UsageError extends IsmsError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * A whole input file cannot be used (unreadable, missing required columns, wrong format).
 * Fails that source's job with one clear message; never retried, because retrying cannot help.
 */
export class EvidenceInputError extends IsmsError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('EVIDENCE_INPUT', `${file}: ${message}`, options);
    this.file = file;
  }
}

/** The evidence store failed (disk, database, Elasticsearch). */
export class StoreError extends IsmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE', message, options);
  }
}

/** A transient failure talking to a remote system (connection lost, timeout, 429/5xx): retry. */
export class TransientError extends IsmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSIENT', message, options);
  }
}

/** A notification could not be delivered. */
export class NotifyError extends IsmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOTIFY', message, options);
  }
}

/**
 * The evidence store's file or database is damaged. Never retried (a retry reads the same
 * damage) and never worked around: every source stops until the store is restored.
 */
export class StoreCorruptError extends IsmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_CORRUPT', message, options);
  }
}

/** The store's schema is newer than this build knows (written by a later release): refused. */
export class StoreVersionError extends IsmsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_VERSION', message, options);
  }
}
