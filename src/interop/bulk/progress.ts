import cliProgress from 'cli-progress';

/** Shows how far a long command has got: a bar on a terminal, a plain line every few seconds otherwise. */
export interface ProgressDisplay {
  /** `value` out of `total` (bytes, records...); `status` is a short text shown beside it. */
  update(value: number, total: number, status: string): void;
  stop(): void;
}

/**
 * A bar (cli-progress) when `stream` is a terminal; when it is a pipe or a log file, a bar's carriage returns
 * would be noise, so one plain line is written every `intervalMs` instead.
 */
export function progressDisplay(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 5000
): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {status}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic
    );
    let started = false;
    return {
      update(value, total, status) {
        if (!started) {
          bar.start(total, value, { status });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(value, { status });
        }
      },
      stop: () => bar.stop(),
    };
  }
  let last = Date.now();
  return {
    update(value, total, status) {
      if (Date.now() - last >= intervalMs) {
        last = Date.now();
        const pct = total > 0 ? Math.floor((value * 100) / total) : 100;
        stream.write(`${label}: ${pct}%, ${status}\n`);
      }
    },
    stop: () => undefined,
  };
}
