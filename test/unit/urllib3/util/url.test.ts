import { describe, expect, it } from 'vitest';
import { LocationParseError } from '../../../../src/urllib3/exceptions.js';
import { get_host, parse_url, split_first } from '../../../../src/urllib3/util/url.js';

describe('parse_url', () => {
  it('splits scheme, auth, host, port, path, query and fragment', () => {
    // upstream: test_util.py test_parse_url
    const u = parse_url('http://user:pw@127.0.0.1:8774/v2.1/servers?name=vm#frag');
    expect([u.scheme, u.auth, u.host, u.port, u.path, u.query, u.fragment]).toEqual([
      'http',
      'user:pw',
      '127.0.0.1',
      8774,
      '/v2.1/servers',
      'name=vm',
      'frag',
    ]);
    expect(u.request_uri).toBe('/v2.1/servers?name=vm');
    expect(u.url).toBe('http://user:pw@127.0.0.1:8774/v2.1/servers?name=vm#frag');
  });

  it('accepts partial URLs and IPv6 hosts', () => {
    expect(parse_url('google.com/mail').host).toBe('google.com');
    expect(parse_url('google.com/mail').scheme).toBeNull();
    const v6 = parse_url('http://[::1]:8080/x');
    expect([v6.host, v6.port]).toEqual(['[::1]', 8080]);
    expect(parse_url('http://host:/x').port).toBeNull();
  });

  it('raises LocationParseError for a non-numeric port', () => {
    expect(() => parse_url('http://host:abc/')).toThrow(LocationParseError);
  });

  it('gives the scheme default for get_host', () => {
    expect(get_host('example.com:81')).toEqual(['http', 'example.com', 81]);
  });
});

describe('split_first', () => {
  it('splits at the earliest delimiter', () => {
    expect(split_first('foo/bar?baz', ['?', '/'])).toEqual(['foo', 'bar?baz', '/']);
    expect(split_first('foo', ['?'])).toEqual(['foo', '', null]);
  });
});
