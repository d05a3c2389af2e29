#!/usr/bin/env node
// ctrkit-cni: the CNI plugin binary. Reads CNI_* from the environment and the network
// configuration from stdin, prints the result (or a CNI error object) on stdout.
// Runtimes start it once per pod and command, so VERSION loads nothing else and the
// wiring code is imported only when needed.
import { CNI_ERR, CNI_VERSION, type CniErrorJson, SUPPORTED_VERSIONS } from './types.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function toCniError(err: unknown, version: string): Promise<CniErrorJson> {
  const { isNetlinkErrno, isNetnsError, NetlinkError } = await import('../errors.js');
  const cniCode = (err as { cniCode?: unknown }).cniCode;
  if (typeof cniCode === 'number') return { cniVersion: version, code: cniCode, msg: (err as Error).message };
  if (err instanceof NetlinkError) {
    const code =
      isNetlinkErrno(err, 'EAGAIN') || isNetlinkErrno(err, 'EBUSY') ? CNI_ERR.TRY_AGAIN : CNI_ERR.WIRING_FAILED;
    return {
      cniVersion: version,
      code,
      msg: err.message,
      ...(err.kernelMessage ? { details: err.kernelMessage } : {}),
    };
  }
  if (isNetnsError(err)) {
    const code =
      err.code === 'ERR_IPAM_LOCKED'
        ? CNI_ERR.TRY_AGAIN
        : err.code === 'ERR_NETNS_NOT_FOUND' || err.code === 'ERR_NOT_A_NETNS'
          ? CNI_ERR.INVALID_ENV
          : CNI_ERR.WIRING_FAILED;
    return { cniVersion: version, code, msg: err.message, details: err.code };
  }
  return { cniVersion: version, code: CNI_ERR.IO, msg: err instanceof Error ? err.message : String(err) };
}

async function main(): Promise<number> {
  let version = CNI_VERSION;
  try {
    if (process.env.CNI_COMMAND === 'VERSION') {
      process.stdout.write(
        `${JSON.stringify({ cniVersion: CNI_VERSION, supportedVersions: [...SUPPORTED_VERSIONS] })}\n`,
      );
      return 0;
    }
    const { cniAdd, cniCheck, cniDel, parseNetConf, readCniEnv } = await import('./plugin.js');
    const env = readCniEnv();
    const conf = parseNetConf(await readStdin());
    version = conf.cniVersion;
    if (env.command === 'ADD') process.stdout.write(`${JSON.stringify(await cniAdd(env, conf))}\n`);
    else if (env.command === 'DEL') await cniDel(env, conf);
    else await cniCheck(env, conf);
    return 0;
  } catch (err) {
    process.stdout.write(`${JSON.stringify(await toCniError(err, version))}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
