import { describe, expect, it } from 'vitest';
import {
  bodyPreview,
  redactJson,
  rememberSecret,
  scrubSecrets,
  sha1Redact,
} from '../../../src/telemetry/redact.js';

describe('sha1Redact', () => {
  it("gives novaclient's {SHA1} form", () => {
    expect(sha1Redact('secret')).toBe('{SHA1}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4');
  });
});

describe('redactJson', () => {
  it('hashes passwords and token ids anywhere in a body', () => {
    const body = {
      auth: { passwordCredentials: { username: 'demo', password: 'secret' } },
      access: { token: { id: 'tok-123' } },
    };
    expect(redactJson(body)).toEqual({
      auth: { passwordCredentials: { username: 'demo', password: sha1Redact('secret') } },
      access: { token: { id: sha1Redact('tok-123') } },
    });
  });
});

describe('rememberSecret', () => {
  it('keeps only the newest secrets, so a long-running process does not grow without end', () => {
    rememberSecret('first-secret-value');
    for (let i = 0; i < 300; i++) rememberSecret(`later-secret-${i}`);
    expect(scrubSecrets('first-secret-value')).toBe('first-secret-value');
    expect(scrubSecrets('later-secret-299')).toBe(sha1Redact('later-secret-299'));
  });

  it('finds any of many secrets, pattern characters included, and one added later', () => {
    for (let i = 0; i < 50; i++) rememberSecret(`many-secret-${i}`);
    const odd = 'a.b*(c)[d]\\e/f|g+h?$';
    rememberSecret(odd);
    expect(scrubSecrets(`x ${odd} y many-secret-7 z`)).toBe(
      `x ${sha1Redact(odd)} y ${sha1Redact('many-secret-7')} z`
    );
    expect(scrubSecrets('a.b (c) [d] nothing secret')).toBe('a.b (c) [d] nothing secret');
    expect(scrubSecrets('token brand-new-secret')).toBe('token brand-new-secret');
    rememberSecret('brand-new-secret');
    expect(scrubSecrets('token brand-new-secret')).toBe(`token ${sha1Redact('brand-new-secret')}`);
  });
});

describe('scrubSecrets: URL credentials', () => {
  it('replaces the user and password of any URL in a text', () => {
    expect(scrubSecrets('GET http://demo:hunter22@127.0.0.1:5000/identity/v3 now')).toBe(
      'GET http://REDACTED:REDACTED@127.0.0.1:5000/identity/v3 now'
    );
    expect(scrubSecrets("curl -g -i 'https://u:p%40ss@cloud.example/v2.1' -X GET")).toBe(
      "curl -g -i 'https://REDACTED:REDACTED@cloud.example/v2.1' -X GET"
    );
  });

  it('leaves URLs without credentials and plain e-mail addresses alone', () => {
    const text = 'see http://127.0.0.1:8787/api/traces and mail ops@example.org';
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('redactJson on hostile depth', () => {
  it('redacts a body nested 50,000 deep without a stack overflow, order kept', () => {
    let body: unknown = { token: { id: 'tok' }, password: 'pw', z: 1, a: 2 };
    for (let i = 0; i < 50_000; i++) body = [body];
    let out = redactJson(body);
    for (let i = 0; i < 50_000; i++) out = (out as unknown[])[0];
    expect(out).toEqual({
      token: { id: sha1Redact('tok') },
      password: sha1Redact('pw'),
      z: 1,
      a: 2,
    });
    expect(Object.keys(out as object)).toEqual(['token', 'password', 'z', 'a']);
  });
});

describe('bodyPreview', () => {
  const b = (text: string) => Buffer.from(text, 'utf8');

  it('keeps JSON as sent (spacing and key order) and redacts its secrets in place', () => {
    const text = '{"auth":  {"password": "pw\\"1", "token": {"id": "t0k3n"}, "name": "u"}}';
    expect(bodyPreview(b(text))).toBe(
      text.replace('pw\\"1', sha1Redact('pw"1')).replace('t0k3n', sha1Redact('t0k3n'))
    );
  });

  it('redacts secret pairs and form fields in text that is not JSON', () => {
    expect(bodyPreview(b('user=u&password=pw&x=1'))).toBe(
      `user=u&password=${sha1Redact('pw')}&x=1`
    );
    expect(bodyPreview(b('x "password": "pw" y'))).toBe(`x "password": "${sha1Redact('pw')}" y`);
  });

  it('describes what it cannot check instead of showing it', () => {
    expect(bodyPreview(Buffer.from([0xff, 0xfe, 0x00]))).toBe('[3 bytes, binary]');
    expect(bodyPreview(b('abc'), { contentEncoding: 'gzip' })).toBe('[3 bytes, gzip-encoded]');
    expect(bodyPreview(b('{"password": "pw", "x'), { complete: false, totalBytes: 99 })).toMatch(
      /^\[99 bytes of JSON, not shown/
    );
  });

  it('cuts at the preview size and says the full size', () => {
    const out = bodyPreview(b('x'.repeat(5000)));
    expect(out).toBe(`${'x'.repeat(2048)}… [5000 bytes in all]`);
  });
});
