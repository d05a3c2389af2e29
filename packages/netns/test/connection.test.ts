import { describe, expect, it } from 'vitest';
import { NLM_F, RTM } from '../src/codec/constants.js';
import { encodeLinkAdd, encodeLinkDump, encodeLinkGet } from '../src/codec/link-codec.js';
import { buildMessage, splitMessages } from '../src/codec/message.js';
import { NetlinkConnection } from '../src/connection.js';
import { NetlinkError, NetnsError } from '../src/errors.js';
import { doneReply, errorReply, FakeKernel, replyMessage } from './helpers/fake-kernel.js';

const veth = () => encodeLinkAdd({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });

describe('NetlinkConnection', () => {
  it('numbers each request and resolves on the matching ACK', async () => {
    const k = new FakeKernel((req, kern) => kern.deliver(errorReply(req)));
    const c = new NetlinkConnection(k);
    await c.request(veth());
    await c.request(veth());
    const [a, b] = k.sent.map((s) => s.readUInt32LE(8));
    expect(b).toBe((a ?? 0) + 1);
  });

  it('turns -errno into ERR_NETLINK with the errno name and the extended-ack text', async () => {
    const k = new FakeKernel((req, kern) => kern.deliver(errorReply(req, 101, 'Nexthop has invalid gateway')));
    const c = new NetlinkConnection(k);
    const err = await c.request(veth(), { operation: 'ip route add 10.77.0.0/24 via 172.31.9.9' }).catch((e) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err.code).toBe('ERR_NETLINK');
    expect(err.errno).toBe(101);
    expect(err.errnoName).toBe('ENETUNREACH');
    expect(err.kernelMessage).toBe('Nexthop has invalid gateway');
    expect(err.message).toContain('ip route add 10.77.0.0/24 via 172.31.9.9');
  });

  it('matches answers that arrive out of order to concurrent requests', async () => {
    const held: Buffer[] = [];
    const k = new FakeKernel((req, kern) => {
      held.push(req);
      if (held.length === 2) kern.deliver(errorReply(held[1] as Buffer, 17), errorReply(held[0] as Buffer));
    });
    const c = new NetlinkConnection(k);
    const [first, second] = await Promise.allSettled([c.request(veth()), c.request(veth())]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && (second.reason as NetlinkError).errnoName).toBe('EEXIST');
  });

  it('resolves a GET without NLM_F_ACK with its single reply', async () => {
    const k = new FakeKernel((req, kern) => kern.deliver(replyMessage(req, RTM.NEWLINK, 0, Buffer.alloc(16))));
    const c = new NetlinkConnection(k);
    const replies = await c.request(encodeLinkGet('v0'));
    expect(replies).toHaveLength(1);
    expect(replies[0]?.type).toBe(RTM.NEWLINK);
  });

  it('collects a multipart dump across datagrams until NLMSG_DONE', async () => {
    const k = new FakeKernel((req, kern) => {
      kern.deliver(
        replyMessage(req, RTM.NEWLINK, NLM_F.MULTI, Buffer.alloc(16)),
        replyMessage(req, RTM.NEWLINK, NLM_F.MULTI, Buffer.alloc(16)),
      );
      kern.deliver(replyMessage(req, RTM.NEWLINK, NLM_F.MULTI, Buffer.alloc(16)), doneReply(req));
    });
    const c = new NetlinkConnection(k);
    const r = await c.dump(encodeLinkDump());
    expect(r.messages).toHaveLength(3);
    expect(r.inconsistent).toBe(false);
  });

  it('retries a dump flagged NLM_F_DUMP_INTR and returns the clean attempt', async () => {
    let attempts = 0;
    const k = new FakeKernel((req, kern) => {
      attempts++;
      const flags = attempts < 3 ? NLM_F.MULTI | NLM_F.DUMP_INTR : NLM_F.MULTI;
      kern.deliver(replyMessage(req, RTM.NEWLINK, flags, Buffer.alloc(16)), doneReply(req));
    });
    const c = new NetlinkConnection(k);
    const r = await c.dump(encodeLinkDump());
    expect(attempts).toBe(3);
    expect(r.inconsistent).toBe(false);
    expect(r.messages).toHaveLength(1);
  });

  it('returns the data flagged inconsistent when every attempt is interrupted', async () => {
    const k = new FakeKernel((req, kern) =>
      kern.deliver(replyMessage(req, RTM.NEWLINK, NLM_F.MULTI | NLM_F.DUMP_INTR, Buffer.alloc(16)), doneReply(req)),
    );
    const c = new NetlinkConnection(k, { dumpRetries: 2 });
    const r = await c.dump(encodeLinkDump());
    expect(k.sent).toHaveLength(3);
    expect(r.inconsistent).toBe(true);
    expect(r.messages).toHaveLength(1);
  });

  it('strict dumps throw ERR_DUMP_INTERRUPTED when every attempt is interrupted', async () => {
    const k = new FakeKernel((req, kern) =>
      kern.deliver(replyMessage(req, RTM.NEWLINK, NLM_F.MULTI | NLM_F.DUMP_INTR, Buffer.alloc(16)), doneReply(req)),
    );
    const c = new NetlinkConnection(k, { dumpRetries: 1 });
    await expect(c.dump(encodeLinkDump(), { strict: true })).rejects.toMatchObject({ code: 'ERR_DUMP_INTERRUPTED' });
    expect(k.sent).toHaveLength(2);
  });

  it('times out with ERR_NETLINK_TIMEOUT and ignores the late answer', async () => {
    let late: Buffer | undefined;
    const k = new FakeKernel((req) => {
      late = req;
    });
    const c = new NetlinkConnection(k, { timeoutMs: 20 });
    const err = await c.request(veth(), { operation: 'ip link add v0' }).catch((e) => e);
    expect(err).toBeInstanceOf(NetnsError);
    expect(err.code).toBe('ERR_NETLINK_TIMEOUT');
    k.deliver(errorReply(late as Buffer));
    // The connection still works after a stray answer.
    const k2 = new FakeKernel((req, kern) => kern.deliver(errorReply(req)));
    await new NetlinkConnection(k2).request(veth());
  });

  it('rejects with the signal reason when aborted', async () => {
    const k = new FakeKernel(() => {});
    const c = new NetlinkConnection(k);
    const ac = new AbortController();
    const p = c.request(veth(), { signal: ac.signal });
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  it('close() rejects requests in flight and later ones with ERR_NETLINK_CLOSED', async () => {
    const k = new FakeKernel(() => {});
    const c = new NetlinkConnection(k);
    const p = c.request(veth());
    c.close();
    await expect(p).rejects.toMatchObject({ code: 'ERR_NETLINK_CLOSED' });
    await expect(c.request(veth())).rejects.toMatchObject({ code: 'ERR_NETLINK_CLOSED' });
  });

  it('reports a dump that fails midway (-errno in NLMSG_DONE)', async () => {
    const k = new FakeKernel((req, kern) => {
      const done = doneReply(req);
      done.writeInt32LE(-16, 16);
      kern.deliver(done);
    });
    const c = new NetlinkConnection(k);
    await expect(c.dump(encodeLinkDump())).rejects.toMatchObject({ code: 'ERR_NETLINK', errnoName: 'EBUSY' });
  });

  describe('batch', () => {
    // As the kernel does: every message of the datagram handled in order, each answered alone.
    // A successful ACK (NLMSG_ERROR with errno 0) only goes out when the request asked for it.
    const perMessage = (answer: (msg: Buffer, i: number) => Buffer) => (datagram: Buffer, kern: FakeKernel) => {
      for (let off = 0, i = 0; off < datagram.length; i++) {
        const len = datagram.readUInt32LE(off);
        const msg = datagram.subarray(off, off + len);
        const reply = answer(msg, i);
        const isAck = reply.readUInt16LE(4) === 2 && reply.readInt32LE(16) === 0;
        if (!isAck || msg.readUInt16LE(6) & NLM_F.ACK) kern.deliver(reply);
        off += (len + 3) & ~3;
      }
    };
    const flagsOf = (datagram: Buffer) => {
      const out: number[] = [];
      for (let off = 0; off < datagram.length; off += (datagram.readUInt32LE(off) + 3) & ~3)
        out.push(datagram.readUInt16LE(off + 6));
      return out;
    };

    it('sends the requests started inside it as one datagram, numbered in order', async () => {
      const k = new FakeKernel(perMessage((msg) => errorReply(msg)));
      const c = new NetlinkConnection(k);
      const done = c.batch(() => [c.request(veth()), c.request(veth()), c.request(veth())]);
      await Promise.all(done);
      expect(k.sent).toHaveLength(1);
      const msgs = splitMessages(k.sent[0]!);
      expect(msgs).toHaveLength(3);
      expect(msgs.map((m) => m.seq - msgs[0]!.seq)).toEqual([0, 1, 2]);
      expect(k.sent[0]!.length).toBe(3 * veth().length);
    });

    it('settles each request on its own answer: a failure names its own operation, the others resolve', async () => {
      const k = new FakeKernel(
        perMessage((msg, i) => (i === 1 ? errorReply(msg, 17, 'File exists') : errorReply(msg))),
      );
      const c = new NetlinkConnection(k);
      const [a, b, d] = await Promise.allSettled(
        c.batch(() => [
          c.request(veth(), { operation: 'first' }),
          c.request(veth(), { operation: 'second' }),
          c.request(veth(), { operation: 'third' }),
        ]),
      );
      expect(a.status).toBe('fulfilled');
      expect(d.status).toBe('fulfilled');
      expect(b.status === 'rejected' && b.reason).toMatchObject({ errnoName: 'EEXIST', operation: 'second' });
    });

    it('GET replies inside a batch resolve with their message', async () => {
      const k = new FakeKernel(
        perMessage((msg) =>
          msg.readUInt16LE(4) === RTM.GETLINK ? replyMessage(msg, RTM.NEWLINK, 0, Buffer.alloc(16)) : errorReply(msg),
        ),
      );
      const c = new NetlinkConnection(k);
      const [created, got] = c.batch(() => [c.request(veth()), c.request(encodeLinkGet('v0'))]);
      await created;
      expect((await got)[0]?.type).toBe(RTM.NEWLINK);
      expect(k.sent).toHaveLength(1);
    });

    it('pads a message whose length is not a multiple of 4, so the kernel finds the next one', async () => {
      const k = new FakeKernel(perMessage((msg) => errorReply(msg)));
      const c = new NetlinkConnection(k);
      const odd = buildMessage(RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK, (w) => w.u8(1).u8(2));
      expect(odd.length).toBe(18);
      await Promise.all(c.batch(() => [c.request(odd), c.request(veth())]));
      expect(k.sent[0]!.length).toBe(20 + veth().length);
      expect(splitMessages(k.sent[0]!).map((m) => m.type)).toEqual([RTM.NEWLINK, RTM.NEWLINK]);
    });

    it('only the last request asks for an ACK; the earlier ones are done once a later one is answered', async () => {
      const k = new FakeKernel(perMessage((msg) => errorReply(msg)));
      const c = new NetlinkConnection(k);
      const all = c.batch(() => [c.request(veth()), c.request(veth()), c.request(veth())]);
      await Promise.all(all);
      expect(flagsOf(k.sent[0]!).map((f) => f & NLM_F.ACK)).toEqual([0, 0, NLM_F.ACK]);
    });

    it('a request sent without ACK still fails on its own error; the ones before and after succeed', async () => {
      const k = new FakeKernel(perMessage((msg, i) => errorReply(msg, i === 1 ? 19 : 0)));
      const c = new NetlinkConnection(k);
      const results = await Promise.allSettled(
        c.batch(() => [0, 1, 2, 3].map((i) => c.request(veth(), { operation: `op${i}` }))),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ errnoName: 'ENODEV', operation: 'op1' });
    });

    it('a GET reply in the middle completes the silent requests before it', async () => {
      const order: string[] = [];
      let releaseLast!: () => void;
      const k = new FakeKernel((datagram, kern) => {
        perMessage((msg, i) => {
          if (i === 1) return replyMessage(msg, RTM.NEWLINK, 0, Buffer.alloc(16));
          return errorReply(msg);
        })(datagram.subarray(0, datagram.length - veth().length), kern);
        // The last request's ACK comes later.
        releaseLast = () => kern.deliver(errorReply(datagram.subarray(datagram.length - veth().length)));
      });
      const c = new NetlinkConnection(k);
      const [first, get, last] = c.batch(() => [c.request(veth()), c.request(encodeLinkGet('v0')), c.request(veth())]);
      first.then(() => order.push('first'));
      get.then(() => order.push('get'));
      await get;
      await first;
      expect(order).toEqual(['first', 'get']);
      releaseLast();
      await last;
    });

    it('a nested batch goes out with the outer one', async () => {
      const k = new FakeKernel(perMessage((msg) => errorReply(msg)));
      const c = new NetlinkConnection(k);
      await Promise.all(c.batch(() => [c.request(veth()), ...c.batch(() => [c.request(veth())])]));
      expect(k.sent).toHaveLength(1);
    });

    it('refuses a dump inside a batch, and still sends the rest', async () => {
      const k = new FakeKernel(perMessage((msg) => errorReply(msg)));
      const c = new NetlinkConnection(k);
      const [dump, add] = c.batch(() => [c.dump(encodeLinkDump()), c.request(veth())]);
      await expect(dump).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await add;
      expect(splitMessages(k.sent[0]!)).toHaveLength(1);
    });

    it('a failed send rejects every request of the batch with that error', async () => {
      const k = new FakeKernel(() => {});
      k.send = () => {
        throw new Error('ENOBUFS');
      };
      const c = new NetlinkConnection(k);
      const results = await Promise.allSettled(c.batch(() => [c.request(veth()), c.request(veth())]));
      expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual([
        'ENOBUFS',
        'ENOBUFS',
      ]);
    });
  });
});
