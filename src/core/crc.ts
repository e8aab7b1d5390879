// CRC-32 checksums, table-driven over bytes: CRC-32 as Python's zlib.crc32 computes it (the
// trainer derives seeds from it: trainer/ptlab/seeds.py) and CRC-32C, which TFRecord masks.

function table(polynomial: number): Uint32Array {
  const entries = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    entries[i] = c >>> 0;
  }
  return entries;
}

const CRC32_TABLE = table(0xedb88320);
const CRC32C_TABLE = table(0x82f63b78);

function checksum(entries: Uint32Array, bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = entries[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** zlib's CRC-32 (Python's zlib.crc32) of the bytes, or of a string's UTF-8 bytes. */
export function crc32(data: Uint8Array | string): number {
  return checksum(CRC32_TABLE, typeof data === 'string' ? new TextEncoder().encode(data) : data);
}

/** The Castagnoli CRC-32C. */
export function crc32c(bytes: Uint8Array): number {
  return checksum(CRC32C_TABLE, bytes);
}
