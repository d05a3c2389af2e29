// ctr-lite: a small containerd-like command built only from ctrkit's public APIs.
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { buildBusyboxImage, DEMO_IMAGE } from './busybox.js';
import { exec, logs, ps, remove, stats, stop } from './commands/containers.js';
import { demo } from './commands/demo.js';
import { imageBuild, imageExport, imageImport, imageInspect, imageList, imageRemove } from './commands/image.js';
import { imagePull, imagePush } from './commands/registry.js';
import { commit, snapshotDiff, snapshotList } from './commands/snapshot.js';
import { runContainer } from './container-run.js';
import { type Context, openContext } from './context.js';
import { parseSize } from './output.js';
import { checkContainerId } from './records.js';
import { defaultRoot } from './state.js';

const program = new Command('ctr-lite')
  .description('A small containerd-like command composed from the ctrkit packages')
  .option('--root <dir>', 'state directory (content, images, snapshots, containers)', defaultRoot())
  .option('--json', 'print listings and results as JSON', false)
  .showHelpAfterError()
  // Options after `run IMAGE` or `exec ID` belong to the container's command.
  .enablePositionalOptions();

/** Runs an action with the state opened, closing it after; the return value is the exit code. */
function action<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    const g = program.opts<{ root: string; json: boolean }>();
    // If the event loop ever empties while the action still waits, Node would exit 0 as
    // if all went well: make that visible instead.
    const pending = () => {
      console.error('ctr-lite: internal error: exited with the command unfinished');
      process.exitCode = 70;
    };
    process.once('exit', pending);
    const ctx = await openContext(g.root, g.json);
    try {
      const code = await fn(ctx, ...args);
      if (typeof code === 'number') process.exitCode = code;
    } finally {
      process.off('exit', pending);
      await ctx.close();
    }
  };
}

const collect = (v: string, prev: string[]) => [...prev, v];

const image = program.command('image').description('manage images');
image
  .command('import <path>')
  .description('import a docker-archive tar file or an OCI layout directory')
  .option('--name <name>', 'also record the (first) image under this name')
  .action(
    action(async (ctx, path: string, o: { name?: string }) => {
      for (const n of await imageImport(ctx, path, o)) console.log(n);
    }),
  );
image
  .command('pull <ref>')
  .description('pull an image from a registry (distribution spec v2)')
  .option('--registry <url>', 'registry base URL, e.g. http://127.0.0.1:5000 (default: the reference host over https)')
  .option('--platform <os/arch[/variant]>', 'platform to pull (default: this host)')
  .action(action((ctx, ref: string, o: { registry?: string; platform?: string }) => imagePull(ctx, ref, o)));
image
  .command('push <name> [ref]')
  .description('push an image to a registry (as ref, default: its own name)')
  .option('--registry <url>', 'registry base URL, e.g. http://127.0.0.1:5000')
  .action(
    action((ctx, name: string, ref: string | undefined, o: { registry?: string }) => imagePush(ctx, name, ref, o)),
  );
image
  .command('ls')
  .description('list images')
  .action(action((ctx) => imageList(ctx)));
image
  .command('inspect <name>')
  .description('show manifest, config, diffIDs and chainIDs')
  .action(action((ctx, name: string) => imageInspect(ctx, name)));
image
  .command('rm <names...>')
  .description('remove images from the image store')
  .action(action((ctx, names: string[]) => imageRemove(ctx, names)));
image
  .command('build')
  .description('build a reproducible one-layer image from a directory')
  .requiredOption('--from <dir>', 'the directory that becomes the image root')
  .requiredOption('--tag <name>', 'the image name')
  .option('--cmd <arg>', 'Cmd (repeat for each argument)', collect, [])
  .option('--entrypoint <arg>', 'Entrypoint (repeat for each argument)', collect, [])
  .option('-e, --env <K=V>', 'an environment variable (repeatable)', collect, [])
  .option('-w, --workdir <dir>', 'WorkingDir')
  .option('-u, --user <user>', 'User')
  .action(
    action(
      async (
        ctx,
        o: {
          from: string;
          tag: string;
          cmd: string[];
          entrypoint: string[];
          env: string[];
          workdir?: string;
          user?: string;
        },
      ) => {
        const d = await imageBuild(ctx, o);
        console.log(ctx.json ? JSON.stringify(d) : d.digest);
      },
    ),
  );
image
  .command('busybox')
  .description("build a one-layer busybox image from the host's busybox-static (offline)")
  .option('--tag <name>', 'the image name', DEMO_IMAGE)
  .action(
    action(async (ctx, o: { tag: string }) => {
      const d = await buildBusyboxImage(ctx, o.tag);
      console.log(ctx.json ? JSON.stringify(d) : d.digest);
    }),
  );
image
  .command('export <name>')
  .description('export an image as an OCI layout directory or a docker archive')
  .addOption(new Option('--format <format>', 'output format').choices(['oci', 'docker-archive']).default('oci'))
  .requiredOption('-o, --output <path>', 'the layout directory or archive file to write')
  .action(
    action((ctx, name: string, o: { format: string; output: string }) => imageExport(ctx, name, o.format, o.output)),
  );

const snapshot = program.command('snapshot').description('inspect snapshots');
snapshot
  .command('ls')
  .description('list snapshots')
  .action(action((ctx) => snapshotList(ctx)));
snapshot
  .command('diff <key>')
  .description("write an Active snapshot's changes as a gzip layer")
  .requiredOption('-o, --output <file>', 'where to write the layer')
  .action(action((ctx, key: string, o: { output: string }) => snapshotDiff(ctx, key, o.output)));

program
  .command('container')
  .description('container operations')
  .command('commit <id> <name>')
  .description("turn a container's changes (its overlay upperdir) into a new image on top of its own")
  .action(
    action(async (ctx, id: string, name: string) => {
      const d = await commit(ctx, id, name);
      console.log(ctx.json ? JSON.stringify(d) : d.digest);
    }),
  );

interface RunFlags {
  rm: boolean;
  name?: string;
  memory?: string;
  cpus?: string;
  pids?: string;
  net: 'none' | 'host' | 'pod';
  ip?: string;
  hostNetns?: string;
  env: string[];
  workdir?: string;
  user?: string;
  tty: boolean;
  interactive: boolean;
  platform?: string;
}

program
  .command('run <image> [cmd...]')
  .description("run a container in the foreground; exits with the container's exit code")
  .passThroughOptions()
  .option('--rm', 'remove the container and its snapshot when it exits', false)
  .option('--name <id>', 'container name (default: random)')
  .option('--memory <size>', 'memory limit, e.g. 64m')
  .option('--cpus <n>', 'CPU limit in cores, e.g. 0.5')
  .option('--pids <n>', 'maximum number of processes')
  .addOption(new Option('--net <mode>', 'network').choices(['none', 'host', 'pod']).default('none'))
  .option('--ip <address>', 'pod IP with --net pod (default: allocated from 10.88.0.0/24)')
  .option('--host-netns <name|path>', 'with --net pod: the namespace playing the host (default: this one)')
  .option('-e, --env <K=V>', 'an environment variable (repeatable)', collect, [])
  .option('-w, --workdir <dir>', 'working directory')
  .option('-u, --user <user>', 'user (name, uid or uid:gid)')
  .option('-t, --tty', 'allocate a terminal', false)
  .option('-i, --interactive', 'pass stdin to the container', false)
  .option('--platform <os/arch>', 'image platform')
  .action(
    action(async (ctx, img: string, cmd: string[], f: RunFlags) => {
      const running = await runContainer(ctx, {
        id: checkContainerId(f.name ?? randomBytes(6).toString('hex')),
        image: img,
        cmd,
        rm: f.rm,
        ...(f.memory ? { memory: parseSize(f.memory) } : {}),
        ...(f.cpus ? { cpus: Number(f.cpus) } : {}),
        ...(f.pids ? { pids: Number(f.pids) } : {}),
        net: f.net,
        ...(f.ip ? { ip: f.ip } : {}),
        ...(f.hostNetns ? { hostNetns: f.hostNetns } : {}),
        env: f.env,
        ...(f.workdir ? { workdir: f.workdir } : {}),
        ...(f.user ? { user: f.user } : {}),
        ...(f.platform ? { platform: f.platform } : {}),
        interactive: f.interactive,
        tty: f.tty,
      });
      let interrupted: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        interrupted = sig;
        void running.stop(3000);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const exit = await running.done;
        if (exit.oomKilled) console.error(`ctr-lite: container ${running.record.id} was OOM-killed`);
        return interrupted ? 128 + (interrupted === 'SIGINT' ? 2 : 15) : exit.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
  );

program
  .command('ps')
  .description('list containers')
  .option('-a, --all', 'include exited containers', false)
  .action(action((ctx, o: { all: boolean }) => ps(ctx, o.all)));
program
  .command('stop <id>')
  .description('stop a container: SIGTERM, then SIGKILL after the timeout')
  .option('-t, --timeout <seconds>', 'seconds before SIGKILL', '10')
  .action(action((ctx, id: string, o: { timeout: string }) => stop(ctx, id, Number(o.timeout) * 1000)));
program
  .command('rm <ids...>')
  .description('remove containers (and their snapshots)')
  .option('-f, --force', 'stop running containers first', false)
  .action(action((ctx, ids: string[], o: { force: boolean }) => remove(ctx, ids, o.force)));
program
  .command('logs <id>')
  .description("print a container's output")
  .action(action((ctx, id: string) => logs(ctx, id)));
program
  .command('stats <id>')
  .description("a running container's cgroup stats")
  .action(action((ctx, id: string) => stats(ctx, id)));
program
  .command('exec <id> <cmd...>')
  .description('run a command in a running container')
  .passThroughOptions()
  .option('-e, --env <K=V>', 'an environment variable (repeatable)', collect, [])
  .action(action((ctx, id: string, cmd: string[], o: { env: string[] }) => exec(ctx, id, cmd, o.env)));
program
  .command('demo')
  .description('build a busybox image offline, run it with limits in a pod network, show stats and wiring, clean up')
  .action(action((ctx) => demo(ctx)));

// Errors print as one line with the code and, when known, a hint; the exit code is 1.
program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string; hint?: string };
  console.error(`ctr-lite: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  if (e.hint) console.error(`  hint: ${e.hint}`);
  else if (process.getuid?.() !== 0 && /EPERM|EACCES|permission/i.test(String(e.message)))
    console.error('  hint: run as root');
  process.exitCode = 1;
});
