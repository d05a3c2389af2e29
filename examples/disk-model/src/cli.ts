// disk-model: the seed's HDD evaluation with @ctrkit/diskperf.
import { Command } from 'commander';
import { live } from './live.js';
import { writePlots } from './plots.js';
import { catalogueTable, seedExample } from './report.js';

new Command('disk-model')
  .description("the seed's hard-disk evaluation: worked example, catalogue table, SVG plots, live sampling")
  .option('-o, --out <dir>', 'where to write the SVG plots', 'disk-model-plots')
  .option('--ios <n>', 'simulated I/Os per point of the queue-depth plot', '20000')
  .option('--live <device>', 'sample /proc/diskstats of DEVICE (e.g. vda) like iostat -x')
  .option('--interval <ms>', 'sampling interval for --live', '1000')
  .option('--count <n>', 'samples for --live', '3')
  .action(async (o: { out: string; ios: string; live?: string; interval: string; count: string }) => {
    console.log(seedExample());
    console.log(`\nThe catalogue: random 4 KiB reads at queue depth 1, full stroke\n${catalogueTable()}`);
    const files = await writePlots(o.out, Number(o.ios));
    console.log(`\nwrote ${files.join(', ')}`);
    if (o.live) {
      console.log(`\n${o.live}: measured vs predicted (T = util/IOPS; R(M/M/1) = T/(1-util))`);
      for (const l of await live(o.live, Number(o.interval), Number(o.count))) console.log(l);
    }
  })
  .parseAsync(process.argv)
  .catch((err: { code?: string; message?: string }) => {
    console.error(`disk-model: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(err)}`);
    process.exitCode = 1;
  });
