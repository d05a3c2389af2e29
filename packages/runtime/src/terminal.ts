// The host side of a container's pty: the master fd runc sent over the console socket.
// Reads go through a tty.ReadStream (libuv polls the fd; no thread-pool thread is held),
// and the EIO a master reads once the last slave closes is the end of output, not an error.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { ReadStream } from 'node:tty';
import { RuntimeError } from './errors.js';

export type SetWinsize = (fd: number, cols: number, rows: number) => void;

export class Terminal {
  readonly master: number;
  readonly output: Readable;
  readonly #stream: ReadStream;
  readonly #setWinsize: SetWinsize;
  readonly #eof: Promise<void>;
  #closed = false;

  constructor(master: number, setWinsize: SetWinsize) {
    this.master = master;
    this.#setWinsize = setWinsize;
    this.#stream = new ReadStream(master);
    const out = new PassThrough();
    this.output = out;
    this.#stream.on('data', (b: Buffer) => out.write(b));
    this.#eof = new Promise((resolve) => {
      const end = () => {
        out.end();
        resolve();
      };
      this.#stream.once('end', end);
      // EIO: every slave is closed (the container exited); a write after that fails alike.
      this.#stream.on('error', end);
    });
  }

  /** Waits until the master has read everything the container wrote (EIO), at most `ms`, then closes it. */
  async drainAndClose(ms = 1000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#eof,
      new Promise((r) => {
        timer = setTimeout(r, ms);
      }),
    ]);
    clearTimeout(timer);
    this.close();
  }

  /** Writes go to the pty master, i.e. the container's terminal input. */
  get input(): Writable {
    return this.#stream;
  }

  resize(cols: number, rows: number): void {
    if (!(Number.isInteger(cols) && Number.isInteger(rows) && cols > 0 && rows > 0 && cols < 65536 && rows < 65536)) {
      throw new RuntimeError(
        'ERR_INVALID_ARGUMENT',
        'invalid-argument',
        `terminal size must be positive integers below 65536, got ${cols}x${rows}`,
      );
    }
    if (this.#closed)
      throw new RuntimeError(
        'ERR_CONTAINER_NOT_RUNNING',
        'failed-precondition',
        'the terminal is closed: the container has exited',
      );
    this.#setWinsize(this.master, cols, rows);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.destroy();
  }
}
