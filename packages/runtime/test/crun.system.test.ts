// The same container suite against crun, where crun accepts the host; skipped with
// crun's own refusal printed where it does not (crun 1.8 on a hybrid cgroup host).
import { missing, requires } from '@ctrkit/testkit';
import { containerSuite } from './helpers/container-suite.js';
import { crunRefusal } from './helpers/crun-probe.js';

const gate = requires('root', 'binary:crun', 'cgroup:any:memory');
const refusal = gate.ok && !missing('binary:crun') ? await crunRefusal() : null;
if (refusal) console.warn(`[skip] crun.system.test.ts: crun refuses this host: ${refusal}`);

containerSuite('crun', gate.ok && refusal === null);
// The subreaper supervisor is where crun gets OOM detection and exact wait statuses.
containerSuite('crun', gate.ok && refusal === null, 'subreaper');
