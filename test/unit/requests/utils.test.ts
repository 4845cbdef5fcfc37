import { afterEach, describe, expect, it } from 'vitest';
import { getproxies, quote, requote_uri } from '../../../src/requests/utils.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('getproxies', () => {
  it('reads every <scheme>_proxy of a given environment, lower case winning', () => {
    expect(
      getproxies({
        HTTP_PROXY: 'http://upper:1',
        http_proxy: 'http://lower:2',
        FTP_PROXY: 'http://ftp:3',
        no_proxy: 'example.org',
        PATH: '/bin',
      })
    ).toEqual({ http: 'http://lower:2', ftp: 'http://ftp:3' });
  });

  it('sees http(s) proxy variables of process.env set, changed or removed after a first call', () => {
    delete process.env['http_proxy'];
    delete process.env['HTTP_PROXY'];
    delete process.env['https_proxy'];
    delete process.env['HTTPS_PROXY'];
    expect(getproxies().http).toBeUndefined();
    process.env['http_proxy'] = 'http://proxy.example:3128';
    expect(getproxies().http).toBe('http://proxy.example:3128');
    process.env['HTTPS_PROXY'] = 'http://secure.example:3128';
    expect(getproxies().https).toBe('http://secure.example:3128');
    process.env['http_proxy'] = 'http://other.example:8080';
    expect(getproxies().http).toBe('http://other.example:8080');
    delete process.env['http_proxy'];
    expect(getproxies().http).toBeUndefined();
  });
});

describe('quote', () => {
  it('returns a text with nothing to escape as it is, and escapes the rest as Python does', () => {
    expect(quote('/v2.1/servers/abc-123/os-volume_attachments/x~y')).toBe(
      '/v2.1/servers/abc-123/os-volume_attachments/x~y'
    );
    expect(quote('/a b/ü', '/')).toBe('/a%20b/%C3%BC');
    expect(quote('a/b', '')).toBe('a%2Fb');
    expect(requote_uri('http://h/a b?x=%41%2f')).toBe('http://h/a%20b?x=A%2f');
  });
});
