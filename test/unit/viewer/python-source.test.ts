import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findFunction,
  locatePython,
  logLineFor,
  pythonRoots,
} from '../../../src/viewer/python-source.js';
import { createViewerApp } from '../../../src/viewer/app.js';

let seed: string;
let newer: string;

/** A tiny package tree: the seed's versions in one root, a newer novaclient in another. */
beforeAll(() => {
  seed = mkdtempSync(join(tmpdir(), 'pysrc-seed-'));
  mkdirSync(join(seed, 'requests', 'packages', 'urllib3'), { recursive: true });
  mkdirSync(join(seed, 'novaclient'));
  writeFileSync(join(seed, 'novaclient', '__init__.py'), "__version__ = '3.3.0'\n");
  writeFileSync(
    join(seed, 'novaclient', 'client.py'),
    [
      'import logging',
      '',
      'class HTTPClient(object):',
      '    def _cs_request(self, url, method, **kwargs):',
      '        if not self.management_url:',
      '            self.authenticate()',
      '',
      '        return resp, body',
      '',
      '    def put(self, url, **kwargs):',
      "        return self._cs_request(url, 'PUT', **kwargs)",
      '',
    ].join('\n')
  );
  writeFileSync(join(seed, 'requests', '__init__.py'), "__version__ = '2.9.1'\n");
  writeFileSync(
    join(seed, 'requests', 'packages', 'urllib3', '__init__.py'),
    "__version__ = '1.13.1'\n"
  );
  writeFileSync(
    join(seed, 'requests', 'packages', 'urllib3', 'connectionpool.py'),
    [
      'class HTTPConnectionPool(object):',
      '    def _new_conn(self):',
      '        self.num_connections += 1',
      '        log.info("Starting new HTTP connection (%d): %s" %',
      '                 (self.num_connections, self.host))',
      '        return conn',
      '',
    ].join('\n')
  );
  newer = mkdtempSync(join(tmpdir(), 'pysrc-new-'));
  mkdirSync(join(newer, 'novaclient'));
  mkdirSync(join(newer, 'python_novaclient-18.1.0.dist-info'));
  writeFileSync(join(newer, 'novaclient', '__init__.py'), '');
  writeFileSync(join(newer, 'novaclient', 'client.py'), 'class SessionClient(object):\n    pass\n');
});

afterAll(() => {
  rmSync(seed, { recursive: true, force: true });
  rmSync(newer, { recursive: true, force: true });
});

describe('locatePython', () => {
  it('finds a method by class and name and labels the seed version', () => {
    const found = locatePython('novaclient', 'novaclient/client.py', 'HTTPClient._cs_request', [
      seed,
    ]);
    expect(found).toMatchObject({
      found: true,
      version: '3.3.0',
      isSeedVersion: true,
      startLine: 4,
    });
    expect(found.found && found.text.split('\n')[0]).toBe(
      '    def _cs_request(self, url, method, **kwargs):'
    );
    expect(found.found && found.text).toContain('return resp, body');
    expect(found.found && found.text).not.toContain('def put');
  });

  it('reads urllib3 vendored inside requests', () => {
    const found = locatePython(
      'urllib3',
      'urllib3/connectionpool.py',
      'HTTPConnectionPool._new_conn',
      [seed]
    );
    expect(found).toMatchObject({ found: true, version: '1.13.1', isSeedVersion: true });
  });

  it('says when the installed version lacks the function, and which version has it', () => {
    const found = locatePython('novaclient', 'novaclient/client.py', 'HTTPClient.put', [newer]);
    expect(found.found).toBe(false);
    expect(!found.found && found.reason).toMatch(
      /18\.1\.0.*removed in python-novaclient 7\.0\.0.*3\.3\.0/
    );
  });

  it('prefers the earlier root and falls through to later ones', () => {
    expect(
      locatePython('novaclient', 'novaclient/client.py', 'HTTPClient.put', [newer, seed])
    ).toMatchObject({
      found: true,
      root: seed,
    });
  });

  it('says how to get a copy when there is none', () => {
    const found = locatePython('requests', 'requests/sessions.py', 'Session.send', [
      join(seed, 'nope'),
    ]);
    expect(!found.found && found.reason).toMatch(/pip download python-novaclient==3\.3\.0/);
  });

  it('orders --python-src before the system packages', () => {
    expect(pythonRoots({ pythonSrc: '/x', system: ['/y'], pathPython: null })).toEqual([
      '/x',
      '/y',
    ]);
  });
});

describe('logLineFor', () => {
  it('matches a log event to the line that logs it', () => {
    const fn = findFunction(
      'class P:\n    def _new_conn(self):\n        log.info("Starting new HTTP connection (%d): %s" %\n            (1, h))\n',
      'P',
      '_new_conn'
    );
    expect(logLineFor(fn?.text ?? '', 'Starting new HTTP connection (1): 127.0.0.1')).toBe(1);
    expect(logLineFor(fn?.text ?? '', 'Resetting dropped connection: 127.0.0.1')).toBe(-1);
  });
});

describe("Debian's urllib3 (python3-urllib3)", () => {
  const root = '/usr/lib/python3/dist-packages';
  const installed = locatePython(
    'urllib3',
    'urllib3/connectionpool.py',
    'HTTPConnectionPool._get_conn',
    [root]
  );
  it('shows def _get_conn( from the installed package', () => {
    if (!installed.found) {
      if (process.env.NOVATRACE_REQUIRE_TOOLS === '1') throw new Error('python3-urllib3 missing');
      console.warn('SKIPPED: python3-urllib3 is not installed here');
      return;
    }
    expect(installed.text).toContain('def _get_conn(');
    expect(installed.isSeedVersion).toBe(false);
  });
});

describe('GET /api/python', () => {
  it('answers the Python a layer ports, and refuses paths out of the package', async () => {
    const viewer = createViewerApp({ pythonRoots: [seed] });
    try {
      const ok = await viewer.app.request(
        '/api/python?project=novaclient&file=novaclient/client.py&name=HTTPClient.put'
      );
      expect(await ok.json()).toMatchObject({ found: true, version: '3.3.0', startLine: 10 });
      const bad = await viewer.app.request(
        '/api/python?project=novaclient&file=../../etc/passwd.py&name=x'
      );
      expect(bad.status).toBe(400);
    } finally {
      await viewer.close();
    }
  });
});
