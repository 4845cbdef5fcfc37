import { describe, expect, it } from 'vitest';
import { pyJsonDumps, pyRepr, pyStrRepr } from '../../../src/novaclient/pyfmt.js';

describe('pyJsonDumps', () => {
  it('writes the separators of json.dumps, so the PUT body is 74 bytes as captured', () => {
    const body = pyJsonDumps({
      volumeAttachment: { volumeId: '227cc671-f30b-4488-96fd-7d0bf13648d8' },
    });
    expect(body).toBe('{"volumeAttachment": {"volumeId": "227cc671-f30b-4488-96fd-7d0bf13648d8"}}');
    expect(Buffer.byteLength(body)).toBe(74);
  });

  it('escapes non-ASCII as \\uXXXX (ensure_ascii)', () => {
    expect(pyJsonDumps({ n: 'é😀', l: [1, true, null] })).toBe(
      '{"n": "\\u00e9\\ud83d\\ude00", "l": [1, true, null]}'
    );
  });
});

describe('pyRepr', () => {
  it("prints str, dict, list, None and bools like Python's repr", () => {
    expect(pyStrRepr("it's")).toBe('"it\'s"');
    expect(pyStrRepr('a\nb')).toBe("'a\\nb'");
    expect(pyRepr({ a: [1, null, true], b: 'x' })).toBe("{'a': [1, None, True], 'b': 'x'}");
    expect(pyRepr(new Map([['Content-Length', '0']]))).toBe("{'Content-Length': '0'}");
  });
});
