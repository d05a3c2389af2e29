// The container suite with the subreaper supervisor (exact wait status) instead of a foreground runc.
import { requires } from '@ctrkit/testkit';
import { containerSuite } from './helpers/container-suite.js';

containerSuite('runc', requires('root', 'binary:runc', 'cgroup:any:memory').ok, 'subreaper');
