// Child for the cross-process lock test: holds a writer on argv[3] open until killed.
import { ContentStore } from '../../src/index.js';

const store = await ContentStore.open(process.argv[2]!);
const w = await store.writer(process.argv[3]!);
await w.write(Buffer.from('held'));
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
