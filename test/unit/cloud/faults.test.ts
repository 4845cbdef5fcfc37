import { describe, expect, it } from 'vitest';
import {
  Faults,
  FaultSpecError,
  MAX_PATTERN_LENGTH,
  parseFault,
  pathMatches,
  stripProjectId,
} from '../../../src/cloud/faults.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';

const PROJECT = FIXTURES.credentials.projectId;

describe('pathMatches', () => {
  it('matches a literal path exactly', () => {
    expect(pathMatches('/v2.1/servers', '/v2.1/servers')).toBe(true);
    expect(pathMatches('/v2.1/servers', '/v2.1/servers/x')).toBe(false);
  });

  it('lets * stand for one segment and ** for anything', () => {
    expect(
      pathMatches(
        '/v2.1/servers/*/os-volume_attachments/*',
        '/v2.1/servers/a/os-volume_attachments/b'
      )
    ).toBe(true);
    expect(pathMatches('/v2.1/servers/*', '/v2.1/servers/a/os-volume_attachments/b')).toBe(false);
    expect(pathMatches('/v2.1/servers/**', '/v2.1/servers/a/os-volume_attachments/b')).toBe(true);
  });

  it('treats regex characters in the pattern literally', () => {
    expect(pathMatches('/v2.1', '/v2x1')).toBe(false);
  });

  it('matches a Nova path in its project-id form too', () => {
    expect(pathMatches('/v2.1/servers/*', `/v2.1/${PROJECT}/servers/abc`)).toBe(true);
    expect(stripProjectId(`/v2.1/${PROJECT}`)).toBe('/v2.1');
    expect(stripProjectId('/v2.1/servers')).toBe('/v2.1/servers');
  });

  it('treats a run of three or more * as **', () => {
    expect(pathMatches('/v2.1/***', '/v2.1/servers/a/b')).toBe(true);
    expect(pathMatches('/v2.1/****/b', '/v2.1/servers/a/b')).toBe(true);
    expect(pathMatches('/v2.1/*', '/v2.1/servers/a/b')).toBe(false);
    expect(pathMatches('/**', '/')).toBe(true);
    expect(pathMatches('/*/', '//')).toBe(true);
  });

  it('answers a pattern that backtracks as a regex without backtracking', () => {
    // As a translated regex this one took seconds at 120 characters and minutes at 240; it
    // blocked every other request meanwhile. It must come back at all to pass.
    const pattern = '/**a**a**a**a**a**a**a**b';
    expect(pathMatches(pattern, `/${'a'.repeat(400)}`)).toBe(false);
    expect(pathMatches(pattern, `/${'a'.repeat(400)}b`)).toBe(true);
    expect(pathMatches('/*a*a*a*a*a*a*b', `/${'a'.repeat(400)}`)).toBe(false);
  });

  it('agrees with the regex reading of * and ** on small cases', () => {
    // The regex translation the matcher replaced, as the oracle (fine on short inputs).
    const oracle = (pattern: string, path: string) =>
      new RegExp(
        `^${pattern
          .split('**')
          .map((part) =>
            part
              .split('*')
              .map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('[^/]*')
          )
          .join('.*')}$`
      ).test(path);
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = (parts: string[], length: number) =>
      Array.from({ length }, () => parts[next(parts.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = pick(['a', 'b', '/', '*', '**', '***', '.'], 1 + next(6));
      const path = pick(['a', 'b', '/', '.'], next(8));
      expect([pattern, path, pathMatches(pattern, path)]).toEqual([
        pattern,
        path,
        oracle(pattern, path),
      ]);
    }
  });
});

describe('parseFault', () => {
  it('accepts every documented fault', () => {
    const all = [
      { fault: 'token-expired', count: 2 },
      { fault: 'token-expired', count: 'all' },
      { fault: 'delay', ms: 10, path: '/v2.1/**' },
      { fault: 'close-after-response', announce: true },
      { fault: 'close-idle', afterMs: 50 },
      { fault: 'drop-request', path: '/v2.1/servers/*' },
      { fault: 'status', status: 429, path: '/x', retryAfter: 30, method: 'PUT', count: 1 },
      { fault: 'legacy-400-connection-refused', path: '/x' },
      { fault: 'redirect', status: 307, from: '/a', to: '/b' },
      { fault: 'cinder-only-swap' },
    ];
    for (const f of all) expect(parseFault(f)).toEqual(f);
  });

  it('refuses unknown kinds, unknown fields and bad values with a message naming them', () => {
    expect(() => parseFault({ fault: 'nope' })).toThrow(/"fault" must be one of/);
    expect(() => parseFault({ fault: 'delay', ms: 5, pth: '/x' })).toThrow(/no field "pth"/);
    expect(() => parseFault({ fault: 'status', status: 418, path: '/x' })).toThrow(
      /"status" must be one of/
    );
    expect(() => parseFault({ fault: 'token-expired' })).toThrow(/needs "count"/);
    expect(() => parseFault({ fault: 'token-expired', count: 0 })).toThrow(FaultSpecError);
    expect(() => parseFault({ fault: 'redirect', status: 302, from: '/a' })).toThrow(/needs "to"/);
    expect(() => parseFault({ fault: 'delay', ms: -1 })).toThrow(/"ms" must be a number >= 0/);
    expect(() => parseFault([])).toThrow(/JSON object/);
  });

  it('refuses durations a Node timer cannot wait, naming the field', () => {
    // Past 2^31 - 1 ms a timer fires after 1 ms: a "very long" delay would be none at all.
    expect(() => parseFault({ fault: 'delay', ms: 1e308 })).toThrow(/"ms" must be at most/);
    expect(() => parseFault({ fault: 'delay', ms: 2 ** 31 })).toThrow(FaultSpecError);
    expect(() => parseFault({ fault: 'close-idle', afterMs: 1e308 })).toThrow(
      /"afterMs" must be at most 2147483647/
    );
    expect(parseFault({ fault: 'delay', ms: 2 ** 31 - 1 })).toEqual({
      fault: 'delay',
      ms: 2 ** 31 - 1,
    });
    expect(parseFault({ fault: 'close-idle', afterMs: 2 ** 31 - 1 })).toEqual({
      fault: 'close-idle',
      afterMs: 2 ** 31 - 1,
    });
  });

  it('refuses path patterns longer than MAX_PATTERN_LENGTH', () => {
    const long = `/${'x'.repeat(MAX_PATTERN_LENGTH)}`;
    expect(() => parseFault({ fault: 'drop-request', path: long })).toThrow(
      /"path" must be at most/
    );
    expect(() => parseFault({ fault: 'redirect', status: 302, from: long, to: '/' })).toThrow(
      /"from" must be at most/
    );
    const fits = `/${'x'.repeat(MAX_PATTERN_LENGTH - 1)}`;
    expect(parseFault({ fault: 'drop-request', path: fits })).toEqual({
      fault: 'drop-request',
      path: fits,
    });
  });
});

describe('Faults', () => {
  it('counts hits down and switches a fault off at zero', () => {
    const faults = new Faults();
    faults.set({ fault: 'token-expired', count: 2 });
    expect(faults.take('token-expired')).toBeDefined();
    expect(faults.remaining('token-expired')).toBe(1);
    expect(faults.take('token-expired')).toBeDefined();
    expect(faults.take('token-expired')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it("keeps a fault with count 'all' or without count until cleared", () => {
    const faults = new Faults();
    faults.set({ fault: 'token-expired', count: 'all' });
    faults.set({ fault: 'status', status: 503, path: '/v2.1/**' });
    for (let i = 0; i < 5; i++) {
      expect(faults.take('token-expired')).toBeDefined();
      expect(faults.take('status', { method: 'GET', path: '/v2.1/servers' })).toBeDefined();
    }
    expect(faults.list().map((f) => f.fired)).toEqual([5, 5]);
    faults.clear('status');
    expect(faults.list().map((f) => f.fault.fault)).toEqual(['token-expired']);
    faults.clear();
    expect(faults.list()).toEqual([]);
  });

  it('matches method and path, and leaves non-matching requests alone', () => {
    const faults = new Faults();
    faults.set({
      fault: 'status',
      status: 409,
      method: 'put',
      path: '/v2.1/servers/*/os-volume_attachments/*',
    });
    expect(
      faults.take('status', { method: 'GET', path: '/v2.1/servers/a/os-volume_attachments/b' })
    ).toBeUndefined();
    expect(faults.take('status', { method: 'PUT', path: '/v2.1/servers/a' })).toBeUndefined();
    expect(
      faults.take('status', { method: 'PUT', path: '/v2.1/servers/a/os-volume_attachments/b' })
        ?.status
    ).toBe(409);
  });

  it('replaces a fault of the same kind and target, and adds others', () => {
    const faults = new Faults();
    faults.set({ fault: 'status', status: 409, path: '/a' });
    faults.set({ fault: 'status', status: 500, path: '/a' });
    faults.set({ fault: 'status', status: 404, path: '/b' });
    expect(faults.list().map((f) => (f.fault.fault === 'status' ? f.fault.status : 0))).toEqual([
      500, 404,
    ]);
  });

  it('refuses an invalid fault passed from code', () => {
    const faults = new Faults();
    // @ts-expect-error: 418 is not a fault status
    expect(() => faults.set({ fault: 'status', status: 418, path: '/x' })).toThrow(FaultSpecError);
  });
});
