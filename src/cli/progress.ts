import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, status?: string): void;
  /** A line of its own on the bar's stream, above the bar (as is, when there is no bar). */
  log(line: string): void;
  stop(): void;
}

export const noProgress: Progress = { update: () => undefined, log: (line) => process.stderr.write(`${line}\n`), stop: () => undefined };

/** A progress bar on stderr when it is a terminal; otherwise nothing. `status` shows after the counts. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { ...noProgress, log: (line) => stream.write(`${line}\n`) };
  const bar = new cliProgress.SingleBar({ stream, format: `${label} [{bar}] {value}/{total} {status}| {duration_formatted}`, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total, status) => {
      const payload = { status: status ? `${status} ` : '' };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    log: (line) => {
      // Over the bar's line; the bar draws itself again below within a second (its clock changes).
      stream.write(`${started ? '\r\x1b[K' : ''}${line}\n`);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
