#!/usr/bin/env node
// Boots the cached test kernel under qemu (TCG) and runs one command inside as root,
// with /sys/fs/cgroup pure cgroup v2, the host's /usr and /etc shared read-only and
// this checkout shared read-write at the same path. Streams the guest console (the
// command's stdout and stderr, merged) and exits with the command's exit status.
// Runner codes: 124 the VM timed out, 125 the VM failed to boot or to report.
// The VM has no NIC: it never touches the host's network, and its cgroups are its own.
//
// usage: node scripts/vm/run.mjs [--timeout SECONDS] [--mem MiB] [--disk MiB] [--env K=V]... -- command [args...]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const project = resolve(here, '..', '..');
const args = process.argv.slice(2);
let timeoutS = 1800;
// The guest reaches /init in ~5 s on an idle machine but in 25-100 s on a loaded one
// (TCG shares the host's CPUs): the watchdog is for a hung boot, not a slow one.
const bootTimeoutS = Number(process.env.CTRKIT_VM_BOOT_TIMEOUT ?? 240);
let memMiB = 4096;
// The guest's /tmp: a throwaway ext4 disk (sparse; deleted after the run). tmpfs on this
// 6.1 kernel has no user.* xattrs (they came in 6.6), which overlay's userxattr mode
// and the archive tests need; the host's /tmp is ext4. 0: tmpfs instead.
let diskMiB = 16384;
const env = [];
while (args.length && args[0] !== '--') {
  const a = args.shift();
  if (a === '--timeout') timeoutS = Number(args.shift());
  else if (a === '--mem') memMiB = Number(args.shift());
  else if (a === '--disk') diskMiB = Number(args.shift());
  else if (a === '--env') env.push(args.shift());
  else fail(`unknown option ${a}`);
}
args.shift();
if (args.length === 0) fail('no command given (usage: run.mjs [options] -- command [args...])');

function fail(msg) {
  console.error(`vm/run: ${msg}`);
  process.exit(125);
}

const [vmlinux, initrd] = execFileSync('bash', [join(here, 'prepare.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
})
  .trim()
  .split('\n');
if (!vmlinux || !initrd) fail('prepare.sh did not print the kernel and initramfs paths');
const ctl = mkdtempSync(join(tmpdir(), 'ctrkit-vm-'));
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
writeFileSync(join(ctl, 'proj'), project);
writeFileSync(join(ctl, 'cmd.sh'), `${args.map(quote).join(' ')}\n`);
const envLines = env.map((e) => {
  const i = e.indexOf('=');
  return `export ${e.slice(0, i)}=${quote(e.slice(i + 1))}`;
});
if (process.env.CI && !env.some((e) => e.startsWith('CI='))) envLines.push(`export CI=${quote(process.env.CI)}`);
writeFileSync(join(ctl, 'env'), `${envLines.join('\n')}\n`);

// KVM only when it can run a stock kernel (a writable /dev/kvm and vmx/svm in cpuinfo).
const kvm = (() => {
  try {
    execFileSync('test', ['-w', '/dev/kvm']);
    return /\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();

function share(tag, path, ro) {
  return [
    '-fsdev',
    `local,id=${tag},path=${path},security_model=passthrough,multidevs=remap${ro ? ',readonly=on' : ''}`,
    '-device',
    `virtio-9p-pci,fsdev=${tag},mount_tag=${tag}`,
  ];
}
const disk = diskMiB > 0 ? join(ctl, 'scratch.ext4') : null;
if (disk) {
  try {
    // No journal: the disk lives for one run. Lazy init keeps mke2fs instant on a sparse file.
    execFileSync(
      'mke2fs',
      [
        '-q',
        '-F',
        '-t',
        'ext4',
        '-O',
        '^has_journal',
        '-m',
        '0',
        '-E',
        'lazy_itable_init=1,nodiscard',
        disk,
        `${diskMiB}M`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  } catch (err) {
    cleanup();
    fail(
      `cannot create the scratch disk with mke2fs (Debian package e2fsprogs; --disk 0 for a tmpfs /tmp): ${err.message}`,
    );
  }
}
const qemuArgs = [
  ...(kvm ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max']),
  '-M',
  'pc',
  '-smp',
  '2',
  '-m',
  String(memMiB),
  '-nodefaults',
  '-no-user-config',
  '-nographic',
  '-no-reboot',
  '-serial',
  'stdio',
  '-kernel',
  vmlinux,
  '-initrd',
  initrd,
  '-append',
  'console=ttyS0 quiet loglevel=1 cgroup_no_v1=all panic=-1 rdinit=/init',
  ...share('ctl', ctl, false),
  ...share('usr', '/usr', true),
  ...share('etc', '/etc', true),
  ...share('proj', project, false),
  ...(disk
    ? [
        '-drive',
        `file=${disk},if=none,id=scratch,format=raw,cache=unsafe,discard=unmap`,
        '-device',
        'virtio-blk-pci,drive=scratch,serial=ctrkit-scratch',
      ]
    : []),
];

let attempt = 0;
// One deadline for the whole run, a retried boot included.
const deadlineAt = performance.now() + timeoutS * 1000;
run();

function run() {
  attempt += 1;
  const qemu = spawn('qemu-system-x86_64', qemuArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let booted = false;
  let exitCode = null;
  let buf = '';
  const startedAt = performance.now();
  let bootedAt = 0;
  const bootWatchdog = setTimeout(() => {
    if (booted) return;
    console.error(`vm/run: the guest did not reach /init in ${bootTimeoutS} s (attempt ${attempt})`);
    qemu.kill('SIGKILL');
  }, bootTimeoutS * 1000);
  const deadline = setTimeout(
    () => {
      console.error(`vm/run: timed out after ${timeoutS} s; killing qemu (pid ${qemu.pid})`);
      exitCode = 124;
      qemu.kill('SIGKILL');
    },
    Math.max(0, deadlineAt - performance.now()),
  );
  const onSignal = (sig) => {
    qemu.kill('SIGKILL');
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  qemu.stdout.setEncoding('utf8');
  qemu.stdout.on('data', (chunk) => {
    buf += chunk.replace(/\r/g, '');
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const exit = line.match(/@@CTRKIT-VM-EXIT:(\d+)@@/);
      // Only what the guest prints between /init's start and the command's end is
      // passed on: not the firmware's screen codes, not the kernel's power-off message.
      if (line.includes('@@CTRKIT-VM-INIT@@')) {
        booted = true;
        bootedAt = performance.now();
      } else if (exit) exitCode = Number(exit[1]);
      else if (booted && exitCode === null) process.stdout.write(`${line}\n`);
      nl = buf.indexOf('\n');
    }
  });
  qemu.on('exit', () => {
    clearTimeout(bootWatchdog);
    clearTimeout(deadline);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!booted && attempt < 2 && exitCode === null && performance.now() < deadlineAt) {
      console.error('vm/run: retrying the boot once');
      return run();
    }
    if (exitCode === null && existsSync(join(ctl, 'exit'))) exitCode = Number(readFileSync(join(ctl, 'exit'), 'utf8'));
    const secs = (ms) => (ms / 1000).toFixed(1);
    console.error(
      `vm/run: ${booted ? `reached /init in ${secs(bootedAt - startedAt)} s, ` : ''}` +
        `qemu ran ${secs(performance.now() - startedAt)} s, status ${exitCode ?? 'unknown'}`,
    );
    cleanup();
    if (exitCode === null) {
      console.error('vm/run: the guest stopped without reporting an exit status');
      process.exit(125);
    }
    process.exit(exitCode);
  });
}

function cleanup() {
  rmSync(ctl, { recursive: true, force: true });
}
