import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import {
  crossOriginReason,
  hostGuard,
  hostName,
  isJsonContentType,
} from '../../../src/viewer/security.js';

describe('hostName', () => {
  it('drops the port, keeping IPv6 brackets', () => {
    expect(hostName('127.0.0.1:8787')).toBe('127.0.0.1');
    expect(hostName('[::1]:8787')).toBe('[::1]');
    expect(hostName('LocalHost')).toBe('localhost');
  });
});

describe('crossOriginReason', () => {
  const base = { requestUrl: 'http://127.0.0.1:8787/api/runs', host: '127.0.0.1:8787' };

  it('lets same-origin browsers and non-browser clients through', () => {
    expect(
      crossOriginReason({ ...base, origin: 'http://127.0.0.1:8787', secFetchSite: 'same-origin' })
    ).toBeUndefined();
    expect(crossOriginReason(base)).toBeUndefined();
  });

  it('refuses other origins and cross-site fetches', () => {
    expect(crossOriginReason({ ...base, origin: 'http://127.0.0.1:9999' })).toMatch(/cross-origin/);
    expect(crossOriginReason({ ...base, origin: 'null' })).toMatch(/cross-origin/);
    expect(crossOriginReason({ ...base, secFetchSite: 'same-site' })).toMatch(/cross-site/);
    expect(
      crossOriginReason({ ...base, secFetchSite: 'cross-site', origin: 'http://127.0.0.1:8787' })
    ).toMatch(/cross-site/);
  });
});

describe('isJsonContentType', () => {
  it('accepts application/json with parameters only', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/json-seq')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});

describe('hostGuard', () => {
  const app = (loopbackOnly: boolean, names: string[] = []) =>
    new Hono().use('*', hostGuard(loopbackOnly, names)).get('/', (c) => c.text('ok'));
  const status = async (a: Hono, host: string) =>
    (await a.request('/', { headers: { host } })).status;

  it('answers the configured classroom names besides loopback, and nothing else', async () => {
    const a = app(false, ['lab-pc.local']);
    expect(await status(a, 'lab-pc.local:8787')).toBe(200);
    expect(await status(a, 'LAB-PC.local')).toBe(200);
    expect(await status(a, '127.0.0.1:8787')).toBe(200);
    expect(await status(a, 'rebound.evil.example')).toBe(421);
  });

  it('stays off for a non-loopback bind with no name (the serve warning says so)', async () => {
    expect(await status(app(false), 'anything.example')).toBe(200);
    expect(await status(app(true), 'anything.example')).toBe(421);
  });
});
