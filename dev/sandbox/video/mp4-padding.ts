/** A file served by range without existing in full anywhere. */
export interface VirtualFile {
  size: number;
  /** Bytes `start..endInclusive`, in chunks small enough to respect backpressure. */
  read(start: number, endInclusive: number): AsyncIterable<Buffer>;
}

const CHUNK = 64 * 1024;
const zeros = Buffer.alloc(CHUNK);

/**
 * The clip followed by a top-level `free` box of zeros that brings the file to `totalBytes` (players skip `free`
 * boxes, so the file stays a valid MP4). Only the clip and the box header live in memory, so multi-GiB files cost
 * nothing. Without `totalBytes`, or when it leaves no room for a box header, the clip is served as it is.
 */
export function paddedMp4(clip: Buffer, totalBytes?: number): VirtualFile {
  const padding = (totalBytes ?? 0) - clip.length;
  const padded = padding >= 8;
  const head = padded ? Buffer.concat([clip, freeBoxHeader(padding)]) : clip;
  const size = clip.length + (padded ? padding : 0);
  return {
    size,
    async *read(start, endInclusive) {
      const end = Math.min(endInclusive + 1, size);
      for (let at = start; at < end;) {
        const chunk =
          at < head.length
            ? head.subarray(at, Math.min(end, at + CHUNK))
            : zeros.subarray(0, Math.min(CHUNK, end - at));
        yield chunk;
        at += chunk.length;
      }
    },
  };
}

function freeBoxHeader(boxSize: number): Buffer {
  if (boxSize <= 0xffff_ffff) {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(boxSize, 0);
    header.write('free', 4, 'latin1');
    return header;
  }
  // A 32-bit size of 1 announces a 64-bit `largesize` after the type.
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(boxSize), 8);
  return header;
}
