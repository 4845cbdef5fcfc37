import { describe, expect, it } from 'vitest';
import { decodeUtf8, readLimited, ReceiveError } from '../../../src/viewer/otlp-receiver.js';

describe('decodeUtf8', () => {
  it('decodes a big body in slices to the same text, characters cut at a slice edge included', async () => {
    // 'é' is two bytes and '日' three: some of them straddle the 512 KiB slice edges.
    const text = `{"a":"${'é日x'.repeat(400_000)}"}`;
    const bytes = new TextEncoder().encode(text);
    expect(bytes.byteLength).toBeGreaterThan(2 * 512 * 1024);
    expect(await decodeUtf8(bytes)).toBe(text);
  });

  it('drops a leading byte order mark as TextDecoder does', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expect(await decodeUtf8(bytes)).toBe('{}');
  });
});

describe('readLimited', () => {
  it('reads a body of many MiB whole, pausing on the way, and refuses one over the limit', async () => {
    const body = new Uint8Array(5 * 1024 * 1024).fill(0x61);
    const req = () => new Request('http://x/', { method: 'POST', body });
    expect((await readLimited(req(), 8 * 1024 * 1024)).byteLength).toBe(body.byteLength);
    await expect(readLimited(req(), 1024 * 1024)).rejects.toBeInstanceOf(ReceiveError);
  });
});
