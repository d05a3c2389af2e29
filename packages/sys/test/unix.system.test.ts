// SCM_RIGHTS between two processes: a child opens a file and sends the fd over a unix
// socket; the parent reads the same file through the received descriptor.
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { O, openatSync, recvFd, sendFd, unixAccept, unixConnect, unixListen } from '../src/index.js';

const gate = requires('root');
const addon = fileURLToPath(new URL('../build/Release/ctrkit_sys.node', import.meta.url));

// The child uses the raw addon: connect, open the file, send its fd, exit.
const childScript = `
const sys = require(process.argv[1]);
const fs = require('node:fs');
const sock = sys.unixConnect(process.argv[2]);
const fd = fs.openSync(process.argv[3], 'r');
sys.sendFd(sock, fd, Buffer.from('x'));
fs.closeSync(fd);
fs.closeSync(sock);
`;

describe.runIf(gate.ok)('unix sockets and fd passing', () => {
  let dir: string;
  const fds: number[] = [];
  const track = (fd: number) => {
    fds.push(fd);
    return fd;
  };

  beforeEach(async () => {
    dir = await makeTempDir('sys-unix');
  });

  afterEach(async () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  });

  it('receives an fd passed by another process and reads the same file', async () => {
    const file = join(dir, 'shared.txt');
    writeFileSync(file, 'the same file\n');
    const sockPath = join(dir, 'console.sock');
    const listener = track(unixListen(sockPath));
    const child = promisify(execFile)(process.execPath, ['-e', childScript, addon, sockPath, file]);
    const conn = track(await unixAccept(listener));
    const fd = track(await recvFd(conn));
    await child;
    expect(fstatSync(fd).ino).toBe(statSync(file).ino);
    const buf = Buffer.alloc(64);
    expect(buf.toString('utf8', 0, readSync(fd, buf, 0, 64, 0))).toBe('the same file\n');
    const flags = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/flags:\s+(\d+)/)?.[1] ?? '0';
    expect(Number.parseInt(flags, 8) & O.CLOEXEC).toBe(O.CLOEXEC);
    // The sender hung up after one fd: a second recvFd reports it instead of hanging.
    await expect(recvFd(conn)).rejects.toMatchObject({ code: 'ERR_PEER_CLOSED' });
  });

  it('passes an fd within the process, and a write through it lands in the file', async () => {
    const sockPath = join(dir, 's');
    const listener = track(unixListen(sockPath));
    const accepted = unixAccept(listener);
    const client = track(unixConnect(sockPath));
    const server = track(await accepted);
    const file = join(dir, 'out');
    writeFileSync(file, '');
    const wfd = track(openatSync(-100, file, O.WRONLY));
    const receiving = recvFd(server);
    sendFd(client, wfd);
    const got = track(await receiving);
    writeSync(got, 'via passed fd');
    expect(readFileSync(file, 'utf8')).toBe('via passed fd');
  });

  it('aborts a pending accept and reports connect errors', async () => {
    const listener = track(unixListen(join(dir, 'l')));
    const ac = new AbortController();
    const pending = unixAccept(listener, { signal: ac.signal });
    ac.abort(new Error('stop waiting'));
    await expect(pending).rejects.toThrow('stop waiting');
    expect(() => unixConnect(join(dir, 'missing'))).toThrow(
      expect.objectContaining({ code: 'ENOENT', syscall: 'connect', path: join(dir, 'missing') }),
    );
    expect(() => unixListen(join(dir, 'l'))).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    expect(() => unixListen(`/tmp/${'x'.repeat(120)}`)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
