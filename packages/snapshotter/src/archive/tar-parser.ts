// A push tar parser: feed it bytes with write(), it calls the handler for each entry and
// for each piece of file content, synchronously and without copying the content. Meta
// entries (PAX 'x', GNU 'L'/'K') are folded into the next real entry; PAX globals ('g')
// are ignored (containerd and moby do the same). Pull-based streaming is layered on
// top (tar-entries.ts); the apply hot loop uses this directly.
import { InvalidLayerError } from './errors.js';
import { type PaxRecords, parsePax, parsePaxTime } from './pax.js';
import { BLOCK, decodeHeader, type EntryType, isZeroBlock, type RawHeader, type TarHeader } from './tar-header.js';

export interface TarHandler {
  /** A real entry begins; for 'file' entries `onData` follows with exactly `size` bytes. */
  onEntry(header: TarHeader): void;
  /** Content of the current file entry. The view is only valid during the call. */
  onData(chunk: Uint8Array): void;
  /** The current entry's content is complete. */
  onEntryEnd(header: TarHeader): void;
}

/** Meta entries (PAX, long names) larger than this are treated as hostile. */
const MAX_META = 8 * 1024 * 1024;

type State = 'header' | 'body' | 'meta' | 'skip' | 'pad' | 'second-zero' | 'done';

export class TarParser {
  #state: State = 'header';
  #block = Buffer.alloc(BLOCK);
  #blockFill = 0;
  #remaining = 0;
  #pad = 0;
  #offset = 0;
  #meta: Buffer[] = [];
  #metaFill = 0;
  #metaHeader: RawHeader | undefined;
  #pax: PaxRecords | undefined;
  #longName: string | undefined;
  #longLink: string | undefined;
  #current: TarHeader | undefined;
  #trailing = 0;
  #entries = 0;
  readonly #handler: TarHandler;

  constructor(handler: TarHandler) {
    this.#handler = handler;
  }

  /** Bytes seen after the end-of-archive marker (they are still hashed by the caller). */
  get trailingBytes(): number {
    return this.#trailing;
  }
  /** Real entries seen so far. */
  get entries(): number {
    return this.#entries;
  }

  write(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case 'done':
          this.#trailing += n - i;
          this.#offset += n - i;
          return;
        case 'header':
        case 'second-zero': {
          const take = Math.min(BLOCK - this.#blockFill, n - i);
          this.#block.set(chunk.subarray(i, i + take), this.#blockFill);
          this.#blockFill += take;
          i += take;
          this.#offset += take;
          if (this.#blockFill === BLOCK) {
            this.#blockFill = 0;
            this.#headerBlock();
          }
          break;
        }
        case 'body': {
          const take = Math.min(this.#remaining, n - i);
          if (take > 0) this.#handler.onData(chunk.subarray(i, i + take));
          i += take;
          this.#offset += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#endBody();
          break;
        }
        case 'meta': {
          const take = Math.min(this.#remaining, n - i);
          this.#meta.push(Buffer.from(chunk.subarray(i, i + take)));
          this.#metaFill += take;
          i += take;
          this.#offset += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#endMeta();
          break;
        }
        case 'skip': {
          const take = Math.min(this.#remaining, n - i);
          i += take;
          this.#offset += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#endBody();
          break;
        }
        case 'pad': {
          const take = Math.min(this.#pad, n - i);
          i += take;
          this.#offset += take;
          this.#pad -= take;
          if (this.#pad === 0) this.#state = 'header';
          break;
        }
      }
    }
  }

  /** The input ended. A tar that stops at an entry boundary without the zero blocks is accepted. */
  end(): void {
    const s = this.#state;
    if (s === 'done' || s === 'second-zero') return;
    if (s === 'header' && this.#blockFill === 0 && !this.#metaHeader) return;
    const at = this.#current?.name ?? this.#metaHeader?.name;
    throw new InvalidLayerError(`layer is truncated at byte ${this.#offset} (unexpected end of tar)`, at);
  }

  #headerBlock(): void {
    const b = this.#block;
    if (this.#state === 'second-zero') {
      if (!isZeroBlock(b))
        throw new InvalidLayerError(`lone zero block followed by data at byte ${this.#offset - BLOCK}`);
      this.#state = 'done';
      return;
    }
    if (isZeroBlock(b)) {
      if (this.#metaHeader || this.#pax || this.#longName !== undefined || this.#longLink !== undefined) {
        throw new InvalidLayerError('archive ends after a PAX or long-name header with no entry');
      }
      this.#state = 'second-zero';
      return;
    }
    const raw = decodeHeader(b, 0, this.#offset - BLOCK);
    this.#pad = (BLOCK - (raw.size % BLOCK)) % BLOCK;
    if (
      raw.rawType === 'pax' ||
      raw.rawType === 'pax-global' ||
      raw.rawType === 'gnu-longname' ||
      raw.rawType === 'gnu-longlink'
    ) {
      if (raw.size > MAX_META) throw new InvalidLayerError(`meta entry of ${raw.size} bytes is too large`, raw.name);
      this.#metaHeader = raw;
      this.#meta = [];
      this.#metaFill = 0;
      this.#remaining = raw.size;
      this.#state = 'meta';
      if (raw.size === 0) this.#endMeta();
      return;
    }
    const h = this.#fold(raw);
    this.#current = h;
    this.#entries++;
    this.#handler.onEntry(h);
    this.#remaining = h.size;
    this.#pad = (BLOCK - (h.size % BLOCK)) % BLOCK;
    // Non-file entries carry no content; bytes that are there anyway are skipped.
    this.#state = h.type === 'file' ? 'body' : 'skip';
    if (this.#remaining === 0) this.#endBody();
  }

  #endMeta(): void {
    const raw = this.#metaHeader!;
    const body = this.#meta.length === 1 ? this.#meta[0]! : Buffer.concat(this.#meta, this.#metaFill);
    this.#meta = [];
    this.#metaHeader = undefined;
    if (raw.rawType === 'pax') this.#pax = parsePax(body, raw.name);
    else if (raw.rawType === 'gnu-longname') this.#longName = cString(body);
    else if (raw.rawType === 'gnu-longlink') this.#longLink = cString(body);
    this.#state = this.#pad > 0 ? 'pad' : 'header';
  }

  #endBody(): void {
    const h = this.#current!;
    this.#current = undefined;
    this.#handler.onEntryEnd(h);
    this.#state = this.#pad > 0 ? 'pad' : 'header';
  }

  #fold(raw: RawHeader): TarHeader {
    const h: TarHeader = {
      name: this.#longName ?? raw.name,
      type: raw.rawType as EntryType,
      mode: raw.mode & 0o7777,
      uid: raw.uid,
      gid: raw.gid,
      size: raw.size,
      mtime: { sec: raw.mtime, nsec: 0 },
      linkname: this.#longLink ?? raw.linkname,
      uname: raw.uname,
      gname: raw.gname,
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      xattrs: new Map(),
    };
    const pax = this.#pax;
    this.#pax = undefined;
    this.#longName = undefined;
    this.#longLink = undefined;
    if (pax) applyPax(h, pax);
    for (const [field, v] of [
      ['uid', h.uid],
      ['gid', h.gid],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xfffffffe) {
        throw new InvalidLayerError(`${field} ${v} is out of range 0..4294967294`, h.name);
      }
    }
    if (!Number.isSafeInteger(h.mtime.sec)) throw new InvalidLayerError(`mtime ${h.mtime.sec} is out of range`, h.name);
    // Only a PAX record can carry a NUL (header fields end at one); no path may hold it.
    if (h.name.includes('\0') || h.linkname.includes('\0'))
      throw new InvalidLayerError('the name or link name contains a NUL byte', h.name.replaceAll('\0', '\\0'));
    return h;
  }
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return b.toString('utf8', 0, z < 0 ? b.length : z);
}

function applyPax(h: TarHeader, pax: PaxRecords): void {
  const int = (k: string, v: Buffer): number => {
    const s = v.toString('latin1');
    const n = /^[0-9]+$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isSafeInteger(n))
      throw new InvalidLayerError(`PAX record ${k}=${JSON.stringify(s)} is not a valid number`, h.name);
    return n;
  };
  for (const [k, v] of pax) {
    if (k === 'path') h.name = v.toString('utf8');
    else if (k === 'linkpath') h.linkname = v.toString('utf8');
    else if (k === 'size') h.size = int(k, v);
    else if (k === 'uid') h.uid = int(k, v);
    else if (k === 'gid') h.gid = int(k, v);
    else if (k === 'uname') h.uname = v.toString('utf8');
    else if (k === 'gname') h.gname = v.toString('utf8');
    else if (k === 'mtime') {
      const t = parsePaxTime(v.toString('latin1'));
      if (Number.isNaN(t.sec))
        throw new InvalidLayerError(`PAX mtime ${JSON.stringify(v.toString('latin1'))} is invalid`, h.name);
      h.mtime = t;
    } else if (k.startsWith('SCHILY.xattr.')) h.xattrs.set(k.slice(13), v);
    else if (k.startsWith('LIBARCHIVE.xattr.')) {
      h.xattrs.set(decodeURIComponent(k.slice(17)), Buffer.from(v.toString('latin1'), 'base64'));
    } else if (k.startsWith('GNU.sparse.')) {
      throw new InvalidLayerError(
        'sparse files are not supported (the image spec says layers SHOULD NOT use them)',
        h.name,
      );
    }
  }
}
