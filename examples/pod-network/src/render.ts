// What pod-network prints: an ASCII diagram of the topology it built and the ping matrix.
import type { PingResult } from './ping.js';
import type { Topology } from './topology.js';

export function diagram(t: Topology): string {
  const lines: string[] = [];
  const side = (i: number) => {
    const h = t.hosts[i]!;
    const via =
      t.interhost === 'ipip'
        ? `tunl0 (ipip) -> ${t.hosts[1 - i]!.podCidr}`
        : `${t.hosts[1 - i]!.podCidr} via ${t.hosts[1 - i]!.wireIp}`;
    const out = [`${h.name} (netns ${h.ns.name})`, `  wire0 ${h.wireIp}/24`, `  route ${via}`];
    if (t.mode === 'bridge') out.push(`  cbr0 ${h.podCidr.replace(/\.0\/24$/, '.1')}/24`);
    for (const p of h.pods) {
      out.push(
        t.mode === 'routed'
          ? `  ${p.hostIfName} (no address, proxy_arp) ==veth== eth0 ${p.ip}/32 [pod ${p.name}]`
          : `  ${p.hostIfName} (port of cbr0) ==veth== eth0 ${p.ip}/24 [pod ${p.name}]`,
      );
    }
    return out;
  };
  const a = side(0);
  const b = side(1);
  const width = Math.max(...a.map((l) => l.length)) + 2;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = (a[i] ?? '').padEnd(width);
    const mid = i === 1 ? '<== wire0 veth ==>  ' : '                    ';
    lines.push(`${left}${mid}${b[i] ?? ''}`);
  }
  if (t.mode === 'routed')
    lines.push('', 'in every pod: default via 169.254.1.1 dev eth0; 169.254.1.1 dev eth0 scope link');
  else lines.push('', 'in every pod: default via the bridge address of its host');
  return lines.join('\n');
}

export function matrix(results: readonly PingResult[]): string {
  const from = [...new Set(results.map((r) => r.from))];
  const rank = (n: string) => (n.startsWith('host-') ? 0 : 1);
  const to = [...new Set(results.map((r) => r.to))].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  const w = Math.max(6, ...to.map((t) => t.length)) + 1;
  const head = `${'from\\to'.padEnd(8)}${to.map((t) => t.padStart(w)).join('')}`;
  const rows = from.map(
    (f) =>
      `${f.padEnd(8)}${to
        .map((t) => {
          if (t === f) return '-'.padStart(w);
          const r = results.find((x) => x.from === f && x.to === t);
          return (r?.ok ? 'ok' : 'FAIL').padStart(w);
        })
        .join('')}`,
  );
  const ok = results.filter((r) => r.ok).length;
  return [head, ...rows, '', `${ok}/${results.length} pings answered`].join('\n');
}
