import { describe, expect, it } from 'vitest';
import {
  echoVersion,
  formatVersion,
  negotiate,
  parseVersion,
  requestedVersion,
} from '../../../src/cloud/microversion.js';
import { CloudHttpError } from '../../../src/cloud/nova-errors.js';

const MAX = { major: 2, minor: 104 };

function h(init: Record<string, string>): Headers {
  return new Headers(init);
}

describe('negotiate', () => {
  it('gives 2.1 when no header is sent', () => {
    expect(formatVersion(negotiate(h({}), MAX))).toBe('2.1');
  });

  it('prefers OpenStack-API-Version over the legacy header', () => {
    const headers = h({
      'OpenStack-API-Version': 'compute 2.85',
      'X-OpenStack-Nova-API-Version': '2.10',
    });
    expect(formatVersion(negotiate(headers, MAX))).toBe('2.85');
  });

  it('reads the legacy header alone, and the compute entry of a list', () => {
    expect(formatVersion(negotiate(h({ 'X-OpenStack-Nova-API-Version': '2.26' }), MAX))).toBe(
      '2.26'
    );
    expect(requestedVersion(h({ 'OpenStack-API-Version': 'identity 3.1, compute 2.60' }))).toBe(
      '2.60'
    );
  });

  it('maps latest to the maximum', () => {
    expect(formatVersion(negotiate(h({ 'OpenStack-API-Version': 'compute latest' }), MAX))).toBe(
      '2.104'
    );
    expect(
      formatVersion(
        negotiate(h({ 'X-OpenStack-Nova-API-Version': 'latest' }), { major: 2, minor: 79 })
      )
    ).toBe('2.79');
  });

  it('answers 406 outside the range, with Nova message', () => {
    for (const v of ['2.105', '2.0', '3.0']) {
      const err = (() => {
        try {
          negotiate(h({ 'X-OpenStack-Nova-API-Version': v }), MAX);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(CloudHttpError);
      expect((err as CloudHttpError).status).toBe(406);
      expect((err as CloudHttpError).message).toBe(
        `Version ${v} is not supported by the API. Minimum is 2.1 and maximum is 2.104.`
      );
    }
  });

  it('answers 400 for a malformed version', () => {
    expect(() => negotiate(h({ 'X-OpenStack-Nova-API-Version': '2.01' }), MAX)).toThrow(
      'API Version String 2.01 is of invalid format. Must be of format MajorNum.MinorNum.'
    );
    expect(() => negotiate(h({ 'OpenStack-API-Version': 'compute' }), MAX)).toThrow(
      /invalid format/
    );
  });
});

describe('parseVersion', () => {
  it('parses N.M and refuses leading zeros and words', () => {
    expect(parseVersion('2.85')).toEqual({ major: 2, minor: 85 });
    expect(parseVersion('2.0')).toEqual({ major: 2, minor: 0 });
    expect(parseVersion('2.01')).toBeNull();
    expect(parseVersion('v2')).toBeNull();
  });
});

describe('echoVersion', () => {
  it('sets both headers and both Vary values', () => {
    const headers = new Headers();
    echoVersion(headers, { major: 2, minor: 92 });
    expect(headers.get('OpenStack-API-Version')).toBe('compute 2.92');
    expect(headers.get('X-OpenStack-Nova-API-Version')).toBe('2.92');
    expect(headers.get('Vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });
});
