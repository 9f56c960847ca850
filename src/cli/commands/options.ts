import type { LogLevel } from '../../log.ts';

export interface GlobalOptions {
  config: string;
  logLevel?: LogLevel;
}
