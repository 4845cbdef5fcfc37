import { describe, expect, it } from 'vitest';
import {
  APIVersion,
  discover_version,
  get_api_version,
  update_headers,
  type DiscoveryClient,
} from '../../../src/novaclient/api_versions.js';
import { UnsupportedVersion } from '../../../src/novaclient/exceptions.js';

describe('APIVersion', () => {
  // upstream: novaclient/tests/unit/test_api_versions.py APIVersionTestCase
  it('parses major.minor and latest', () => {
    const v = new APIVersion('2.85');
    expect([v.ver_major, v.ver_minor]).toEqual([2, 85]);
    expect(new APIVersion('2.latest').is_latest()).toBe(true);
    expect(new APIVersion().is_null()).toBe(true);
    expect(new APIVersion('2.latest').get_string()).toBe('2.latest');
  });

  it('raises UnsupportedVersion for a malformed version', () => {
    for (const bad of ['2', '02.1', '2.01', 'x.y', '2.1.1']) {
      expect(() => new APIVersion(bad)).toThrow(UnsupportedVersion);
    }
  });

  it('compares numerically, not as text', () => {
    expect(new APIVersion('2.9').compare(new APIVersion('2.10'))).toBeLessThan(0);
    expect(new APIVersion('2.latest').compare(new APIVersion('2.104'))).toBeGreaterThan(0);
    expect(new APIVersion('2.5').matches(new APIVersion('2.1'), new APIVersion('2.5'))).toBe(true);
    expect(new APIVersion('2.6').matches(new APIVersion('2.1'), new APIVersion('2.5'))).toBe(false);
    expect(new APIVersion('2.6').matches(new APIVersion('2.1'), new APIVersion())).toBe(true);
  });
});

describe('get_api_version', () => {
  // upstream: GetAPIVersionTestCase
  it('reads an integer as X.0 and the deprecated 1.1 as 2.0', () => {
    expect(get_api_version('2').get_string()).toBe('2.0');
    expect(get_api_version('1.1').get_string()).toBe('2.0');
    expect(get_api_version('2.27').get_string()).toBe('2.27');
  });

  it('refuses a major version other than 2', () => {
    expect(() => get_api_version('3.1')).toThrow(
      "Invalid client version '3.1'. Major part should be '2'"
    );
  });
});

describe('update_headers', () => {
  // upstream: UpdateHeadersTestCase
  it('adds nothing for the null version and for 2.0', () => {
    const a: Record<string, string> = {};
    update_headers(a, new APIVersion());
    update_headers(a, new APIVersion('2.0'));
    expect(a).toEqual({});
  });

  it('adds only the legacy header for 2.1 to 2.26', () => {
    for (const v of ['2.1', '2.26']) {
      const h: Record<string, string> = {};
      update_headers(h, new APIVersion(v));
      expect(h).toEqual({ 'X-OpenStack-Nova-API-Version': v });
    }
  });

  it('adds both headers from 2.27 on', () => {
    for (const v of ['2.27', '2.85']) {
      const h: Record<string, string> = {};
      update_headers(h, new APIVersion(v));
      expect(h).toEqual({
        'X-OpenStack-Nova-API-Version': v,
        'OpenStack-API-Version': `compute ${v}`,
      });
    }
  });
});

function fakeClient(doc: unknown): DiscoveryClient & { seen: string[] } {
  const seen: string[] = [];
  return {
    api_version: new APIVersion('2.1'),
    seen,
    async get(url: string) {
      seen.push(`${url}@${this.api_version.is_null() ? 'null' : this.api_version.get_string()}`);
      return [{}, doc] as const;
    },
  };
}

describe('discover_version', () => {
  it('turns 2.latest into min(server max, client max) with a 2.0 discovery request', async () => {
    const client = fakeClient({ version: { version: '2.104', min_version: '2.1' } });
    expect((await discover_version(client, new APIVersion('2.latest'))).get_string()).toBe('2.92');
    expect(client.seen).toEqual(['@2.0']);
    expect(client.api_version.get_string()).toBe('2.1');
    const older = fakeClient({ version: { version: '2.79', min_version: '2.1' } });
    expect((await discover_version(older, new APIVersion('2.latest'))).get_string()).toBe('2.79');
  });

  it('refuses an explicit version outside the server range', async () => {
    const client = fakeClient({ version: { version: '2.79', min_version: '2.1' } });
    await expect(discover_version(client, new APIVersion('2.85'))).rejects.toThrow(
      "The specified version isn't supported by server. The valid version range is '2.1' to '2.79'"
    );
  });

  it('gives 2.0 for a server without microversions', async () => {
    const client = fakeClient({ version: { version: '', min_version: '' } });
    expect((await discover_version(client, new APIVersion('2.latest'))).get_string()).toBe('2.0');
  });
});
