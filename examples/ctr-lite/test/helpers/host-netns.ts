// A network namespace playing the host for `run --net pod`: an uplink (a veth pair
// inside it) with an address and a default route, as a real host has; the Calico wiring
// needs a route covering 169.254.1.1 on the host side.
import { Netns, Rtnetlink } from '@ctrkit/netns';
import { uniqueName } from '@ctrkit/testkit';

export interface HostNs {
  readonly name: string;
  readonly address: string;
  close(): Promise<void>;
}

export async function hostNetns(address = '10.88.254.1'): Promise<HostNs> {
  const ns = await Netns.create(uniqueName('h'));
  const rt = await Rtnetlink.open({ netns: ns });
  try {
    await rt.links.set('lo', { up: true });
    await rt.links.add({ name: 'up0', kind: 'veth', peer: { name: 'up1' } });
    await rt.links.set('up0', { up: true });
    await rt.links.set('up1', { up: true });
    await rt.addresses.add({ dev: 'up0', address: `${address}/24` });
    await rt.routes.add({ dst: 'default', gateway: address.replace(/\.\d+$/, '.2'), dev: 'up0' });
  } catch (err) {
    rt.close();
    await ns.delete();
    throw err;
  }
  rt.close();
  return {
    name: ns.name ?? '',
    address,
    async close() {
      await ns.delete();
    },
  };
}
