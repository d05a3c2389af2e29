// The simulator's hot loop: one disk, one queue, events in time order (the next
// arrival or the current completion). Requests live in typed arrays indexed by id so
// a million-request run allocates a handful of arrays, not a million objects.
import type { Geometry } from '../geometry.js';
import type { Rng } from './rng.js';

export type Scheduler = 'fcfs' | 'sstf' | 'sptf' | 'elevator';

export interface CoreConfig {
  readonly geometry: Geometry | null;
  /** Service without geometry: 'exponential' or 'deterministic' with this mean (ms). */
  readonly service: { readonly kind: 'exponential' | 'deterministic'; readonly mean: number } | null;
  readonly scheduler: Scheduler;
  readonly ios: number;
  /** Poisson: mean interarrival in ms; closed: requests kept outstanding. */
  readonly arrival:
    | { readonly kind: 'poisson'; readonly gap: number }
    | { readonly kind: 'closed'; readonly depth: number };
  /** Next request's first sector and whether it writes. */
  readonly nextRequest: (rng: Rng, i: number) => number;
  readonly isWrite: (rng: Rng) => boolean;
  readonly sizeSectors: number;
  readonly rng: Rng;
}

export interface CoreResult {
  readonly completed: number;
  /** Simulated time of the last completion, ms. */
  readonly end: number;
  readonly response: Float64Array;
  readonly service: Float64Array;
  readonly seek: Float64Array;
  readonly rotate: Float64Array;
  readonly transfer: Float64Array;
  /** ∫ N(t) dt over the run (requests in system). */
  readonly area: number;
  readonly busy: number;
}

/** A run in progress: `advance(k)` completes up to k more requests and says whether the run is over. */
export interface CoreRun {
  advance(limit: number): boolean;
  readonly completed: number;
  result(): CoreResult;
}

export function runCore(c: CoreConfig): CoreRun {
  const n = c.ios;
  const g = c.geometry;
  const L = g?.layout;
  const arrival = new Float64Array(n);
  const cyl = new Int32Array(n);
  const head = new Int32Array(n);
  const angle = new Float64Array(n); // where the request's first sector begins, in ms of rotation
  const xfer = new Float64Array(n); // transfer time, ms
  const write = new Uint8Array(n);
  const response = new Float64Array(n);
  const service = new Float64Array(n);
  const seekT = new Float64Array(n);
  const rotT = new Float64Array(n);
  const xferT = new Float64Array(n);
  const queue = new Int32Array(n);
  let qHead = 0; // FCFS pops from the front; other schedulers compact the live window
  let qLen = 0;

  const rev = L ? L.revolution : 1;
  const Z = L ? L.sectorsPerTrack.length : 0;
  const make = (i: number, t: number) => {
    arrival[i] = t;
    write[i] = c.isWrite(c.rng) ? 1 : 0;
    if (!L || !g) return;
    const lba = c.nextRequest(c.rng, i);
    let z = 0;
    while (z < Z - 1 && lba >= (L.zoneStartLba[z + 1] as number)) z++;
    const spt = L.sectorsPerTrack[z] as number;
    const off = lba - (L.zoneStartLba[z] as number);
    const perCyl = spt * L.heads;
    const within = off % perCyl;
    cyl[i] = (L.zoneStartCyl[z] as number) + Math.floor(off / perCyl);
    head[i] = Math.floor(within / spt);
    // Angles are kept in ms of rotation (not fractions of a turn) so integer geometries stay
    // exact. Each track starts `skew` sectors later than the one before it, so a sequential
    // stream finds the next track's first sector just after the head or track switch.
    const skew = Math.ceil((g.trackSkew * spt) / rev);
    const track = (cyl[i] as number) * L.heads + (head[i] as number);
    const a = ((((within % spt) + g.sectorOffset + track * skew) % spt) * rev) / spt;
    angle[i] = a < 0 ? a + rev : a >= rev ? a - rev : a;
    xfer[i] = (c.sizeSectors / spt) * rev;
  };

  let now = 0;
  let last = 0;
  let inSystem = 0;
  let area = 0;
  let busy = 0;
  let issued = 0;
  let completed = 0;
  let serving = -1;
  let completion = Number.POSITIVE_INFINITY;
  let headCyl = g ? g.initialCylinder : 0;
  let headSurf = 0;
  let direction = 1;
  let nextArrival = Number.POSITIVE_INFINITY;
  const poisson = c.arrival.kind === 'poisson' ? c.arrival.gap : 0;
  if (c.arrival.kind === 'poisson') {
    nextArrival = c.rng.exp(poisson);
  } else {
    const depth = Math.min(c.arrival.depth, n);
    for (; issued < depth; issued++) {
      make(issued, 0);
      queue[qLen++] = issued;
      inSystem++;
    }
  }

  // Positioning time (seek + rotational wait) from the head's state at `t` to request i.
  const seekTo = (i: number): number => {
    const gg = g as Geometry;
    const d = Math.abs((cyl[i] as number) - headCyl);
    return d === 0
      ? (head[i] as number) !== headSurf
        ? gg.headSwitch
        : 0
      : gg.seek(d) + (write[i] ? gg.writeSettle : 0);
  };
  const phase0 = g ? g.initialAngle * rev : 0;
  // Rotational wait after a seek of `s` ms started at time t.
  const waitFor = (i: number, t: number, s: number): number => {
    const at = phase0 + t + s;
    let wait = (angle[i] as number) - (at - Math.floor(at / rev) * rev);
    if (wait < 0) wait += rev;
    // A sector the head has just reached is not a full turn away (float rounding of the angle).
    return rev - wait < rev * 1e-9 ? 0 : wait;
  };
  const position = (i: number, t: number): number => {
    const s = seekTo(i);
    return s + waitFor(i, t, s);
  };

  const pick = (): number => {
    if (c.scheduler === 'fcfs' || qLen === 1) return 0;
    let best = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    if (c.scheduler === 'sstf') {
      for (let k = 0; k < qLen; k++) {
        const cost = Math.abs((cyl[queue[qHead + k] as number] as number) - headCyl);
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
    } else if (c.scheduler === 'sptf') {
      for (let k = 0; k < qLen; k++) {
        const cost = position(queue[qHead + k] as number, now);
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
    } else {
      // Elevator (LOOK): nearest request in the sweep direction; reverse at the last one.
      for (let pass = 0; pass < 2 && bestCost === Number.POSITIVE_INFINITY; pass++) {
        for (let k = 0; k < qLen; k++) {
          const delta = ((cyl[queue[qHead + k] as number] as number) - headCyl) * direction;
          if (delta >= 0 && delta < bestCost) {
            bestCost = delta;
            best = k;
          }
        }
        if (bestCost === Number.POSITIVE_INFINITY) direction = -direction;
      }
    }
    return best;
  };

  const start = () => {
    const k = pick();
    const i = queue[qHead + k] as number;
    if (k === 0) qHead++;
    else queue.copyWithin(qHead + k, qHead + k + 1, qHead + qLen);
    qLen--;
    if (qLen === 0) qHead = 0;
    let s: number;
    if (g) {
      const sk = seekTo(i);
      const rot = waitFor(i, now, sk);
      seekT[i] = sk;
      rotT[i] = rot;
      xferT[i] = xfer[i] as number;
      s = sk + rot + (xfer[i] as number);
      headCyl = cyl[i] as number;
      headSurf = head[i] as number;
    } else {
      const svc = c.service as NonNullable<CoreConfig['service']>;
      s = svc.kind === 'deterministic' ? svc.mean : c.rng.exp(svc.mean);
    }
    service[i] = s;
    serving = i;
    completion = now + s;
  };

  const advance = (limit: number): boolean => {
    const stop = Math.min(n, completed + limit);
    while (completed < stop) {
      if (serving >= 0 && completion <= nextArrival) {
        now = completion;
        area += inSystem * (now - last);
        last = now;
        const i = serving;
        response[i] = now - (arrival[i] as number);
        busy += service[i] as number;
        inSystem--;
        completed++;
        serving = -1;
        completion = Number.POSITIVE_INFINITY;
        if (c.arrival.kind === 'closed' && issued < n) {
          make(issued, now);
          queue[qHead + qLen++] = issued++;
          inSystem++;
        }
      } else if (nextArrival < Number.POSITIVE_INFINITY) {
        now = nextArrival;
        area += inSystem * (now - last);
        last = now;
        make(issued, now);
        queue[qHead + qLen++] = issued++;
        inSystem++;
        nextArrival = issued < n ? now + c.rng.exp(poisson) : Number.POSITIVE_INFINITY;
      } else if (serving < 0 && qLen === 0) {
        return true;
      }
      if (serving < 0 && qLen > 0) start();
    }
    return completed >= n;
  };
  return {
    advance,
    get completed() {
      return completed;
    },
    result: () => ({ completed, end: now, response, service, seek: seekT, rotate: rotT, transfer: xferT, area, busy }),
  };
}
