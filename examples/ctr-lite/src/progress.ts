// Progress bars for pulls, imports and unpacks, with bytes and rates; silent when
// stderr is not a terminal or output is JSON, so scripts and logs stay clean.
import cliProgress from 'cli-progress';
import { bytes } from './output.js';

export interface Progress {
  /** `done` and `total` are bytes when the bar was made with unit 'bytes', else counts. */
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

export function progress(label: string, unit: 'bytes' | 'items', enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {phase} [{bar}] {percentage}% | {amount} | {rate}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  const payload = (phase: string, done: number, total: number) => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    return unit === 'bytes'
      ? { phase, amount: `${bytes(done)}/${bytes(total)}`, rate: `${bytes(done / secs)}/s` }
      : { phase, amount: `${done}/${total}`, rate: `${(done / secs).toFixed(1)}/s` };
  };
  return {
    update(phase, done, total) {
      if (!running) {
        bar.start(Math.max(total, 1), done, payload(phase, done, total));
        running = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload(phase, done, total));
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
