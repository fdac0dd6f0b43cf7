import { open } from 'node:fs/promises';

/** Random access to a file that may be too large to hold in memory (a stored clip, an S3 object by range). */
export interface Mp4Source {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface Mp4Box {
  type: string;
  offset: number;
  /** Including the header. */
  size: number;
}

export interface Mp4Track {
  trackId: number;
  /** `hdlr` handler type: `vide`, `soun`, ... */
  handler: string;
  /** From `tkhd` (display size). */
  width: number;
  height: number;
  /** `stsd` sample entry types, e.g. `avc1`. */
  sampleEntries: string[];
  /** From `mdhd`. */
  durationSec: number;
}

export interface Mp4Info {
  /** Top-level boxes in file order. */
  boxes: Mp4Box[];
  majorBrand: string;
  compatibleBrands: string[];
  /** From `mvhd`. */
  timescale: number;
  durationSec: number;
  tracks: Mp4Track[];
}

export class Mp4FormatError extends Error {
  override readonly name = 'Mp4FormatError';
}

const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/**
 * Reads the structure of an MP4 (ISO BMFF): the top-level boxes, the `ftyp` brands and, from `moov`, the movie
 * duration and each track's handler, size, codec and duration. Reads only box headers and `moov`, so a padded
 * multi-GiB file is cheap. Throws Mp4FormatError for a file that is not structurally an MP4.
 */
export async function inspectMp4(source: Uint8Array | Mp4Source): Promise<Mp4Info> {
  const src = source instanceof Uint8Array ? bufferSource(source) : source;
  const boxes = await topLevelBoxes(src);
  const ftyp = boxes.find((b) => b.type === 'ftyp');
  const moov = boxes.find((b) => b.type === 'moov');
  if (!ftyp) throw new Mp4FormatError('no ftyp box');
  if (!moov) throw new Mp4FormatError('no moov box');
  if (moov.size > MAX_MOOV_BYTES) throw new Mp4FormatError(`moov box of ${moov.size} bytes`);
  const ftypBody = await body(src, ftyp);
  const moovBody = await body(src, moov);

  const mvhd = child(moovBody, 'mvhd');
  if (!mvhd) throw new Mp4FormatError('no mvhd box');
  const movie = timing(mvhd);
  return {
    boxes,
    majorBrand: fourcc(ftypBody, 0),
    compatibleBrands: Array.from({ length: Math.floor((ftypBody.length - 8) / 4) }, (_, i) =>
      fourcc(ftypBody, 8 + 4 * i),
    ),
    timescale: movie.timescale,
    durationSec: movie.durationSec,
    tracks: children(moovBody)
      .filter((b) => b.type === 'trak')
      .map((b) => track(b.body)),
  };
}

export async function inspectMp4File(file: string): Promise<Mp4Info> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await inspectMp4({
      size,
      read: async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

function bufferSource(bytes: Uint8Array): Mp4Source {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

async function topLevelBoxes(src: Mp4Source): Promise<Mp4Box[]> {
  const boxes: Mp4Box[] = [];
  for (let offset = 0; offset < src.size;) {
    if (src.size - offset < 8) throw new Mp4FormatError(`${src.size - offset} stray bytes at ${offset}`);
    const header = view(await src.read(offset, Math.min(16, src.size - offset)));
    const { type, size } = boxHeader(header, 0, src.size - offset);
    boxes.push({ type, offset, size });
    offset += size;
  }
  return boxes;
}

async function body(src: Mp4Source, box: Mp4Box): Promise<Buffer> {
  const bytes = view(await src.read(box.offset, box.size));
  return bytes.subarray(boxHeader(bytes, 0, box.size).headerSize);
}

/** A box's type and full size at `at`, checked against the `room` left in its parent. */
function boxHeader(buf: Buffer, at: number, room: number): { type: string; size: number; headerSize: number } {
  const size32 = buf.readUInt32BE(at);
  const type = fourcc(buf, at + 4);
  let size = size32;
  let headerSize = 8;
  if (size32 === 1) {
    if (buf.length < at + 16) throw new Mp4FormatError(`${type} box: truncated 64-bit size`);
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  } else if (size32 === 0) {
    size = room;
  }
  if (size < headerSize || size > room) throw new Mp4FormatError(`${type} box: size ${size} with ${room} bytes left`);
  return { type, size, headerSize };
}

function children(parent: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; at + 8 <= parent.length;) {
    const { type, size, headerSize } = boxHeader(parent, at, parent.length - at);
    out.push({ type, body: parent.subarray(at + headerSize, at + size) });
    at += size;
  }
  return out;
}

function child(parent: Buffer, ...path: string[]): Buffer | undefined {
  let current: Buffer | undefined = parent;
  for (const type of path) current = current && children(current).find((b) => b.type === type)?.body;
  return current;
}

function track(trak: Buffer): Mp4Track {
  const tkhd = child(trak, 'tkhd');
  const mdhd = child(trak, 'mdia', 'mdhd');
  const hdlr = child(trak, 'mdia', 'hdlr');
  const stsd = child(trak, 'mdia', 'minf', 'stbl', 'stsd');
  if (!tkhd || !mdhd || !hdlr || !stsd) throw new Mp4FormatError('trak without tkhd, mdhd, hdlr or stsd');
  // tkhd: after version/flags, v0 has 4-byte and v1 8-byte times; width and height follow the 36-byte matrix.
  const v1 = tkhd.readUInt8(0) === 1;
  const sizeAt = v1 ? 88 : 76;
  return {
    trackId: tkhd.readUInt32BE(v1 ? 20 : 12),
    handler: fourcc(hdlr, 8),
    width: tkhd.readUInt32BE(sizeAt) / 65536,
    height: tkhd.readUInt32BE(sizeAt + 4) / 65536,
    // stsd: version/flags and an entry count precede the sample entries, which are boxes.
    sampleEntries: children(stsd.subarray(8)).map((b) => b.type),
    durationSec: timing(mdhd).durationSec,
  };
}

/** `mvhd`/`mdhd` timescale and duration, both box versions. */
function timing(box: Buffer): { timescale: number; durationSec: number } {
  const v1 = box.readUInt8(0) === 1;
  const timescale = box.readUInt32BE(v1 ? 20 : 12);
  const duration = v1 ? Number(box.readBigUInt64BE(24)) : box.readUInt32BE(16);
  if (timescale === 0) throw new Mp4FormatError('timescale 0');
  return { timescale, durationSec: duration / timescale };
}

function fourcc(buf: Buffer, at: number): string {
  return buf.toString('latin1', at, at + 4);
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
