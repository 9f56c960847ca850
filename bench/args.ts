/** Command-line options of the benchmarks (`--people 10000`), and how they print memory. */

/** `--name N`, or `def` when absent. */
export function numberArg(name: string, def: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
}

/** `--name text`, or `def` when absent. */
export function stringArg(name: string, def: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? def) : def;
}

/** Bytes as whole megabytes: `512 MB`. */
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
