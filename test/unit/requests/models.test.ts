import { describe, expect, it } from 'vitest';
import {
  HTTPError,
  InvalidURL,
  MissingSchema,
  RequestException,
} from '../../../src/requests/exceptions.js';
import type { PreparedRequest } from '../../../src/requests/models.js';
import { Request, Response, pythonJsonDumps } from '../../../src/requests/models.js';
import { CaseInsensitiveDict } from '../../../src/requests/structures.js';
import { requote_uri, urlsplit } from '../../../src/requests/utils.js';
import { ValueError } from '../../../src/urllib3/builtins.js';

function prep(opts: ConstructorParameters<typeof Request>[0]): PreparedRequest {
  return new Request(opts).prepare();
}

describe('PreparedRequest.prepare_url', () => {
  it('raises MissingSchema with requests’ text for a URL without scheme', () => {
    // upstream: test_invalid_url (MissingSchema)
    const err = (() => {
      try {
        prep({ method: 'GET', url: 'hiwpefhipowhefopw' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(MissingSchema);
    expect(err).toBeInstanceOf(ValueError);
    expect(err).toBeInstanceOf(RequestException);
    expect((err as Error).message).toBe(
      "Invalid URL 'hiwpefhipowhefopw': No schema supplied. Perhaps you meant http://hiwpefhipowhefopw?"
    );
  });

  it('raises InvalidURL without a host or with a bad port', () => {
    expect(() => prep({ method: 'GET', url: 'http://' })).toThrow(InvalidURL);
    expect(() => prep({ method: 'GET', url: 'http://' })).toThrow(
      "Invalid URL 'http://': No host supplied"
    );
    expect(() => prep({ method: 'GET', url: 'http://host:port/' })).toThrow(InvalidURL);
  });

  it('adds params, a root path, and requotes', () => {
    // upstream: test_params_are_added_before_fragment, test_path_is_not_double_encoded
    expect(
      prep({ method: 'GET', url: 'http://example.com', params: { a: 'b c', d: ['1', '2'] } }).url
    ).toBe('http://example.com/?a=b+c&d=1&d=2');
    expect(prep({ method: 'GET', url: 'http://example.com/p?x=1#frag', params: 'y=2' }).url).toBe(
      'http://example.com/p?x=1&y=2#frag'
    );
    expect(prep({ method: 'GET', url: 'http://example.com/a b/%7Euser/%41' }).url).toBe(
      'http://example.com/a%20b/~user/A'
    );
  });

  it('leaves non-HTTP schemes alone', () => {
    expect(prep({ method: 'GET', url: 'mailto:user@example.org' }).url).toBe(
      'mailto:user@example.org'
    );
  });
});

describe('PreparedRequest.prepare_body', () => {
  it('sets Content-Length for text and bytes, with no Content-Type for text', () => {
    const p = prep({ method: 'PUT', url: 'http://h/', data: '{"a": 1}' });
    expect(p.body).toBe('{"a": 1}');
    expect(p.headers.get('Content-Length')).toBe('8');
    expect(p.headers.get('Content-Type')).toBeUndefined();
    expect(prep({ method: 'PUT', url: 'http://h/', data: 'é' }).headers.get('Content-Length')).toBe(
      '2'
    );
  });

  it('form-encodes a dict', () => {
    const p = prep({ method: 'POST', url: 'http://h/', data: { a: '1', b: 'x y' } });
    expect(p.body).toBe('a=1&b=x+y');
    expect(p.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
  });

  it('serialises json like Python’s json.dumps when there is no data', () => {
    const p = prep({
      method: 'POST',
      url: 'http://h/',
      json: { volumeAttachment: { volumeId: 'é' } },
    });
    expect(p.body).toBe('{"volumeAttachment": {"volumeId": "\\u00e9"}}');
    expect(p.headers.get('Content-Type')).toBe('application/json');
    expect(pythonJsonDumps({ a: [1, 'x,y:z'] })).toBe('{"a": [1, "x,y:z"]}');
  });

  it('marks a stream of unknown length Transfer-Encoding: chunked', () => {
    async function* gen() {
      yield 'x';
    }
    const p = prep({ method: 'POST', url: 'http://h/', data: gen() });
    expect(p.headers.get('Transfer-Encoding')).toBe('chunked');
    expect(p.headers.has('Content-Length')).toBe(false);
  });

  it('sends Content-Length: 0 for a body-less PUT but nothing for GET', () => {
    expect(prep({ method: 'PUT', url: 'http://h/' }).headers.get('Content-Length')).toBe('0');
    expect(prep({ method: 'GET', url: 'http://h/' }).headers.has('Content-Length')).toBe(false);
  });
});

describe('PreparedRequest.path_url', () => {
  it('is the path and query, without the fragment', () => {
    expect(prep({ method: 'GET', url: 'http://h:1/v2.1/servers?name=vm#x' }).path_url).toBe(
      '/v2.1/servers?name=vm'
    );
    expect(prep({ method: 'GET', url: 'http://h' }).path_url).toBe('/');
  });
});

describe('PreparedRequest.prepare_auth', () => {
  it('uses credentials from the URL when no auth is given', () => {
    const p = prep({ method: 'GET', url: 'http://user:pass@h/' });
    expect(p.headers.get('Authorization')).toBe(
      `Basic ${Buffer.from('user:pass').toString('base64')}`
    );
  });

  it('calls an auth callable with the prepared request', () => {
    const p = prep({
      method: 'GET',
      url: 'http://h/',
      auth: (r) => {
        r.headers.set('X-Auth-Token', 'tok');
        return r;
      },
    });
    expect(p.headers.get('x-auth-token')).toBe('tok');
  });
});

function response(status: number, body: string, headers: Record<string, string> = {}): Response {
  const r = new Response();
  r.status_code = status;
  r.reason = status === 404 ? 'Not Found' : 'OK';
  r.url = 'http://h/x';
  r.headers = new CaseInsensitiveDict(headers);
  r._content = Buffer.from(body, 'utf8');
  r._content_consumed = true;
  return r;
}

describe('Response', () => {
  it('decodes text with the charset, else the apparent encoding', () => {
    expect(response(200, 'héllo', { 'Content-Type': 'text/plain; charset=utf-8' }).text).toBe(
      'héllo'
    );
    expect(response(200, 'héllo').text).toBe('héllo');
    const latin = response(200, '', { 'Content-Type': 'text/plain' });
    latin._content = Buffer.from([0x68, 0xe9]);
    latin.encoding = 'ISO-8859-1';
    expect(latin.text).toBe('hé');
  });

  it('parses JSON and raises ValueError for anything else', () => {
    expect(response(200, '{"a": 1}').json()).toEqual({ a: 1 });
    expect(() => response(200, '<html>').json()).toThrow(ValueError);
  });

  it('raises HTTPError for 4xx and 5xx with requests’ message', () => {
    const r = response(404, '');
    expect(r.ok).toBe(false);
    expect(() => r.raise_for_status()).toThrow(HTTPError);
    expect(() => r.raise_for_status()).toThrow('404 Client Error: Not Found for url: http://h/x');
    expect(response(200, '').ok).toBe(true);
  });

  it('knows redirects and permanent redirects', () => {
    expect(response(302, '', { Location: '/x' }).is_redirect).toBe(true);
    expect(response(302, '', { Location: '/x' }).is_permanent_redirect).toBe(false);
    expect(response(308, '', { location: '/x' }).is_permanent_redirect).toBe(true);
    expect(response(302, '').is_redirect).toBe(false);
  });

  it('refuses to hand out content that was not read yet (stream=True)', () => {
    const r = new Response();
    expect(() => r.content).toThrow('await response.load_content() first');
  });
});

describe('CaseInsensitiveDict', () => {
  it('looks keys up in any case, keeps the last key case and the first position', () => {
    // upstream: test_structures.py TestCaseInsensitiveDict
    const d = new CaseInsensitiveDict([
      ['Accept', '*/*'],
      ['User-Agent', 'x'],
    ]);
    d.set('accept', 'application/json');
    expect(d.get('ACCEPT')).toBe('application/json');
    expect(d.items()).toEqual([
      ['accept', 'application/json'],
      ['User-Agent', 'x'],
    ]);
    expect(d.has('user-agent')).toBe(true);
    d.delete('USER-AGENT');
    expect([...d]).toEqual(['accept']);
    expect(d.equals({ ACCEPT: 'application/json' })).toBe(true);
    expect(String(d)).toBe("{'accept': 'application/json'}");
  });
});

describe('requote_uri', () => {
  it('unquotes unreserved escapes, quotes illegal characters, and survives bad escapes', () => {
    // upstream: test_utils.py TestRequoteURI
    expect(requote_uri('http://example.com/fiz?buz=%25ppicture')).toBe(
      'http://example.com/fiz?buz=%25ppicture'
    );
    expect(requote_uri('http://example.com/fiz?buz=%ppicture')).toBe(
      'http://example.com/fiz?buz=%25ppicture'
    );
    expect(requote_uri('http://h/ü')).toBe('http://h/%C3%BC');
  });
});

describe('urlsplit', () => {
  it('finds a netloc only after //', () => {
    expect(urlsplit('../other?q=1')).toMatchObject({
      scheme: '',
      netloc: '',
      path: '../other',
      query: 'q=1',
    });
    expect(urlsplit('HTTP://User@Host.Example:80/p#f')).toMatchObject({
      scheme: 'http',
      netloc: 'User@Host.Example:80',
      hostname: 'host.example',
      path: '/p',
      fragment: 'f',
    });
  });
});
