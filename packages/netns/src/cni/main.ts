#!/usr/bin/env node
// ctrkit-cni: the CNI plugin binary. Reads CNI_* from the environment and the network
// configuration from stdin, prints the result (or a CNI error object) on stdout.
import { isNetlinkErrno, isNetnsError, NetlinkError } from '../errors.js';
import { CniError, cniAdd, cniCheck, cniDel, cniVersionInfo, parseNetConf, readCniEnv } from './plugin.js';
import { CNI_ERR, CNI_VERSION, type CniErrorJson } from './types.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function toCniError(err: unknown, version: string): CniErrorJson {
  if (err instanceof CniError) return { cniVersion: version, code: err.cniCode, msg: err.message };
  if (err instanceof NetlinkError) {
    const code =
      isNetlinkErrno(err, 'EAGAIN') || isNetlinkErrno(err, 'EBUSY') ? CNI_ERR.TRY_AGAIN : CNI_ERR.WIRING_FAILED;
    return { cniVersion: version, code, msg: err.message, details: err.kernelMessage };
  }
  if (isNetnsError(err)) {
    const code =
      err.code === 'ERR_NETNS_NOT_FOUND' || err.code === 'ERR_NOT_A_NETNS'
        ? CNI_ERR.INVALID_ENV
        : CNI_ERR.WIRING_FAILED;
    return { cniVersion: version, code, msg: err.message, details: err.code };
  }
  return { cniVersion: version, code: CNI_ERR.IO, msg: err instanceof Error ? err.message : String(err) };
}

async function main(): Promise<number> {
  let version = CNI_VERSION;
  try {
    const env = readCniEnv();
    const stdin = await readStdin();
    if (env.command === 'VERSION') {
      process.stdout.write(`${JSON.stringify(cniVersionInfo())}\n`);
      return 0;
    }
    const conf = parseNetConf(stdin);
    version = conf.cniVersion;
    if (env.command === 'ADD') process.stdout.write(`${JSON.stringify(await cniAdd(env, conf))}\n`);
    else if (env.command === 'DEL') await cniDel(env, conf);
    else await cniCheck(env, conf);
    return 0;
  } catch (err) {
    process.stdout.write(`${JSON.stringify(toCniError(err, version))}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
