import { open } from 'node:fs/promises';

/** The first `n` bytes of a file, fewer when it is shorter (identity checks, size-capped reads). */
export async function readFileHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
