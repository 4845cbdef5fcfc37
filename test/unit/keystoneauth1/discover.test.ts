import { describe, expect, it } from 'vitest';
import {
  _get_catalog_discover_hack,
  normalize_version_number,
  version_match,
} from '../../../src/keystoneauth1/discover.js';

describe('normalize_version_number', () => {
  it('reads v-prefixed, integer and dotted versions as tuples', () => {
    expect(normalize_version_number('v3')).toEqual([3, 0]);
    expect(normalize_version_number('v2.0')).toEqual([2, 0]);
    expect(normalize_version_number(3)).toEqual([3, 0]);
    expect(normalize_version_number('3.4')).toEqual([3, 4]);
    expect(normalize_version_number([2, 1])).toEqual([2, 1]);
  });

  it('raises TypeError for a version it cannot read', () => {
    expect(() => normalize_version_number('vX')).toThrow('Invalid version specified: X');
  });
});

describe('version_match', () => {
  it('needs the same major version and no older minor', () => {
    expect(version_match([3], [3, 0])).toBe(true);
    expect(version_match([2], [3, 0])).toBe(false);
    expect(version_match([3, 2], [3, 1])).toBe(false);
  });
});

describe('_get_catalog_discover_hack', () => {
  it("reads identity's /v2.0 endpoint at the root, other services as they are", () => {
    expect(_get_catalog_discover_hack('identity', 'http://k/v2.0')).toBe('http://k/');
    expect(_get_catalog_discover_hack('compute', 'http://n/v2.0')).toBe('http://n/v2.0');
  });
});
