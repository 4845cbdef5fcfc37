import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../../src/urllib3/builtins.js';
import { TimeoutStateError } from '../../../../src/urllib3/exceptions.js';
import { DEFAULT_TIMEOUT, Timeout, toUndiciMs } from '../../../../src/urllib3/util/timeout.js';

describe('Timeout', () => {
  it('validates values with urllib3’s messages', () => {
    // upstream: test_timeout.py test_invalid_timeouts
    expect(() => new Timeout({ connect: -1 })).toThrow(
      'Attempted to set connect timeout to -1, but the timeout cannot be set to a value less than 0.'
    );
    expect(() => new Timeout({ read: 'foo' })).toThrow(
      'Timeout value read was foo, but it must be an int or float.'
    );
    expect(() => new Timeout({ total: [1] })).toThrow(ValueError);
  });

  it('defaults connect and read to the socket default', () => {
    const t = new Timeout();
    expect(t.connect_timeout).toBe(DEFAULT_TIMEOUT);
    expect(t.read_timeout).toBe(DEFAULT_TIMEOUT);
  });

  it('bounds connect and read by total', () => {
    const t = new Timeout({ connect: 5, read: 5, total: 3 });
    expect(t.connect_timeout).toBe(3);
    expect(t.read_timeout).toBe(5); // not started: the read value
    t.start_connect();
    expect(t.read_timeout).toBeLessThanOrEqual(3);
    expect(() => t.start_connect()).toThrow(TimeoutStateError);
  });

  it('uses the same value for both from a float', () => {
    const t = Timeout.from_float(2.5);
    expect(String(t)).toBe('Timeout(connect=2.5, read=2.5, total=None)');
    expect(String(Timeout.from_float(null))).toBe('Timeout(connect=None, read=None, total=None)');
  });
});

describe('toUndiciMs', () => {
  it('maps None and the default to 0 (no timer) and seconds to milliseconds', () => {
    expect(toUndiciMs(null)).toBe(0);
    expect(toUndiciMs(DEFAULT_TIMEOUT)).toBe(0);
    expect(toUndiciMs(1.5)).toBe(1500);
    expect(toUndiciMs(0)).toBe(1);
  });
});

describe('toUndiciMs with very long timeouts', () => {
  it('turns a timeout longer than a Node timer can hold into no timer, not a 1 ms one', () => {
    expect(toUndiciMs(3_000_000)).toBe(0);
    expect(toUndiciMs(Infinity)).toBe(0);
    expect(toUndiciMs(2_147_483)).toBe(2_147_483_000);
    expect(toUndiciMs(0)).toBe(1);
    expect(toUndiciMs(null)).toBe(0);
  });
});
