// Prints the module files (paths relative to the modules dir) needed to load the named
// modules, dependencies first, each once. modules.dep lists a module's dependencies in
// the order modprobe loads them last-to-first, so they are visited in reverse.
import { readFileSync } from 'node:fs';

const [depFile, ...wanted] = process.argv.slice(2);
const deps = new Map();
const byName = new Map();
for (const line of readFileSync(depFile, 'utf8').split('\n')) {
  const [mod, rest = ''] = line.split(':');
  if (!mod) continue;
  deps.set(mod, rest.trim().split(/\s+/).filter(Boolean));
  byName.set(
    mod
      .replace(/^.*\//, '')
      .replace(/\.ko(\.[a-z]+)?$/, '')
      .replace(/-/g, '_'),
    mod,
  );
}
const order = [];
const seen = new Set();
function visit(mod) {
  if (seen.has(mod)) return;
  seen.add(mod);
  for (const d of [...(deps.get(mod) ?? [])].reverse()) visit(d);
  order.push(mod);
}
for (const name of wanted) {
  const mod = byName.get(name.replace(/-/g, '_'));
  // Not a module: built into this kernel, nothing to load.
  if (mod) visit(mod);
}
console.log(order.join('\n'));
