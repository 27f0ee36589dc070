/**
 * @module cli/progress
 * A progress bar on standard error for long commands (`accord generate`, the demo's first start). On a terminal it
 * redraws one line; elsewhere (a CI log, a pipe) it prints a plain line at each tenth, so logs stay readable.
 */
export interface ProgressBar {
  readonly update: (done: number, total: number) => void;
  readonly end: () => void;
}

const WIDTH = 30;

export function progressBar(
  label: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  const interactive = stream.isTTY;
  let lastTenth = -1;
  let drawn = false;
  const started = Date.now();
  return {
    update: (done, total) => {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const counts = `${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} ${unit}`;
      if (interactive) {
        const filled = Math.round(fraction * WIDTH);
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        stream.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${counts} ${seconds}s `,
        );
        drawn = true;
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${label}: ${tenth * 10}% (${counts})\n`);
      }
    },
    end: () => {
      if (interactive && drawn) stream.write('\n');
    },
  };
}
