// The container suite against runc (the default runtime).
import { requires } from '@ctrkit/testkit';
import { containerSuite } from './helpers/container-suite.js';

containerSuite('runc', requires('root', 'binary:runc', 'cgroup:any:memory').ok);
