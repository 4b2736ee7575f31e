/** Exit once everything we printed has left the process. */
export function exitWhenFlushed(code: number): void {
  const streams = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (streams.length === 0) process.exit(code);
  let waiting = streams.length;
  for (const stream of streams) {
    stream.once('drain', () => {
      if (--waiting === 0) process.exit(code);
    });
  }
  // A reader that never drains (a stuck pipe) must not keep us alive forever.
  setTimeout(() => process.exit(code), 2000).unref();
}
