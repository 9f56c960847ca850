/** Progress of long collections on a terminal; silent when stderr is not a TTY (pipes, CI, logs). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ((source: string, done: number, total?: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (source, done, total) => {
    const now = Date.now();
    if (now - last < 200 && (total === undefined || done < total)) return;
    last = now;
    const pct = total ? ` (${Math.floor((done / total) * 100)}%)` : '';
    stream.write(`\r\x1b[2K${source}: ${done.toLocaleString('en-US')}${total ? ` / ${total.toLocaleString('en-US')}` : ''}${pct}`);
    if (total !== undefined && done >= total) stream.write('\n');
  };
}

/** Clear a progress line before other output. */
export function clearProgress(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write('\r\x1b[2K');
}
