import * as assert from 'node:assert/strict';
import { crc32 } from '../../src/core/crc';

describe('crc', () => {
  it("CRC-32 is Python's zlib.crc32, of bytes and of a string's UTF-8 bytes", () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926); // the standard check value
    assert.equal(crc32('ptlab-ppo-episodes:4103606'), 1135); // zlib.crc32(b"ptlab-ppo-episodes:4103606")
    assert.equal(crc32('é'), 235179326); // zlib.crc32("é".encode())
    assert.equal(crc32(''), 0);
  });
});
