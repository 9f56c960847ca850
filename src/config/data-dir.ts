/**
 * The data directory (`storage.dataDir`): checked when the config is loaded and created before
 * the store opens, one level at a time, so a path that cannot work fails at once with the field
 * named — never a bare EEXIST, and never the endless retry Node's recursive mkdir falls into on
 * /proc (where mkdir answers ENOENT for ever).
 */
import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Kernel pseudo-filesystems: nothing can be stored there. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

const FIELD = 'storage.dataDir';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** The deepest existing path on the way to `dir` (itself when it exists), with its stat. */
function deepestExisting(dir: string): { path: string; isDir: boolean } | { path: string; notDir: true } {
  let p = resolve(dir);
  for (;;) {
    try {
      return { path: p, isDir: statSync(p).isDirectory() };
    } catch (err) {
      if (code(err) === 'ENOTDIR') {
        p = dirname(p);
        // A file on the way: report the file itself, found by walking up.
        try {
          if (!statSync(p).isDirectory()) return { path: p, notDir: true };
        } catch {
          /* keep walking */
        }
        continue;
      }
      if (code(err) !== 'ENOENT') throw err;
      const up = dirname(p);
      if (up === p) return { path: p, isDir: true };
      p = up;
    }
  }
}

/** Why `dir` cannot be the data directory, or undefined when it can (reads only, writes nothing). */
export function dataDirProblem(dir: string): string | undefined {
  const abs = resolve(dir);
  let found;
  try {
    found = deepestExisting(abs);
  } catch (err) {
    return `cannot inspect ${abs}: ${(err as Error).message}`;
  }
  if ('notDir' in found) return `${found.path} is a file, so ${abs} cannot be a directory; choose a directory path`;
  if (!found.isDir) return `${abs} is a file, not a directory; choose a directory path (the store is ${join(abs, 'evidence.sqlite')})`;
  let real = found.path;
  try {
    real = realpathSync(found.path);
  } catch {
    /* the path as given */
  }
  const pseudo = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}${sep}`));
  if (pseudo) return `${abs} is under ${pseudo}, a kernel pseudo-filesystem where no data can be stored; choose a directory on a disk`;
  try {
    accessSync(found.path, constants.W_OK | constants.X_OK);
  } catch {
    return `${found.path} is not writable, so ${abs} cannot be ${found.path === abs ? 'used' : 'created'}`;
  }
  return undefined;
}

/** Throws a ConfigError naming the field when the data directory cannot work. */
export function checkDataDir(config: { file: string; dataDir: string }): void {
  const problem = dataDirProblem(config.dataDir);
  if (problem) throw new ConfigError([{ file: config.file, path: FIELD, message: problem }]);
}

/** Create the data directory (and missing parents, one level at a time); ConfigError when it cannot be. */
export function ensureDataDir(config: { file: string; dataDir: string }): void {
  checkDataDir(config);
  const abs = resolve(config.dataDir);
  const missing: string[] = [];
  for (let p = abs; p !== parse(p).root; p = dirname(p)) {
    try {
      statSync(p);
      break;
    } catch (err) {
      if (code(err) !== 'ENOENT') break;
      missing.unshift(p);
    }
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (err) {
      if (code(err) === 'EEXIST' && statSync(p).isDirectory()) continue; // made by another process meanwhile
      throw new ConfigError([{ file: config.file, path: FIELD, message: `cannot create ${p}: ${(err as Error).message}` }], { cause: err });
    }
  }
}
