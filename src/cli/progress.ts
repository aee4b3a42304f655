import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, status?: string): void;
  stop(): void;
}

export const noProgress: Progress = { update: () => undefined, stop: () => undefined };

/** A progress bar on stderr when it is a terminal; otherwise nothing. `status` shows after the counts. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return noProgress;
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
    stop: () => {
      if (started) bar.stop();
    },
  };
}
