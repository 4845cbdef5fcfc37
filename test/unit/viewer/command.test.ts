import { describe, expect, it } from 'vitest';
import { isLoopback, parseServeArgs, UsageError } from '../../../src/viewer/command.js';

describe('parseServeArgs', () => {
  it('defaults to 127.0.0.1:8787 with the startup run', () => {
    expect(parseServeArgs([])).toEqual({
      port: 8787,
      host: '127.0.0.1',
      names: [],
      maxTraces: 200,
      maxSpans: 200_000,
      maxTraceSpans: 100_000,
      maxStoreMb: 160,
      startup: true,
      keystoneVersions: ['v2.0', 'v3'],
      help: false,
    });
  });

  it('reads --keystone-versions for the embedded cloud and refuses a Keystone without v3', () => {
    expect(parseServeArgs(['--keystone-versions', 'v3']).keystoneVersions).toEqual(['v3']);
    expect(() => parseServeArgs(['--keystone-versions=v2.0'])).toThrow(
      "--keystone-versions: expected v3 or v2.0,v3 (got 'v2.0')"
    );
  });

  it('reads --name for a classroom host name, repeatable, and refuses a bad one', () => {
    const args = parseServeArgs(['--host', '0.0.0.0', '--name', 'Lab-PC.local', '--name=10.0.0.5']);
    expect(args.names).toEqual(['lab-pc.local', '10.0.0.5']);
    expect(() => parseServeArgs(['--name', 'evil/x'])).toThrow(UsageError);
  });

  it('reads --port, --host and the store bounds, with or without =', () => {
    expect(
      parseServeArgs([
        '--port',
        '0',
        '--host=::1',
        '--max-traces=5',
        '--max-spans',
        '900',
        '--max-trace-spans=300',
        '--max-store-mb',
        '64',
        '--no-startup-run',
      ])
    ).toMatchObject({
      port: 0,
      host: '::1',
      maxTraces: 5,
      maxSpans: 900,
      maxTraceSpans: 300,
      maxStoreMb: 64,
      startup: false,
    });
    // The per-trace cap follows a smaller store.
    expect(parseServeArgs(['--max-spans', '50']).maxTraceSpans).toBe(50);
    expect(parseServeArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--port'], /--port needs a value \(N\)/],
    [['--port', 'http'], /--port must be a whole number from 0 to 65535 \(got 'http'\)/],
    [['--port', '70000'], /from 0 to 65535/],
    [['--host'], /--host needs a value/],
    [['--host', '--port'], /--host needs a value/],
    [['--host', 'a b'], /--host needs an address/],
    [['--max-spans', '0'], /from 1 to/],
    [['--verbose'], /unknown option '--verbose'/],
    [['serve'], /unknown option 'serve'/],
  ])('refuses %j with a clear message', (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(UsageError);
    expect(() => parseServeArgs(args)).toThrow(message);
  });
});

describe('isLoopback', () => {
  it('tells loopback addresses from the rest', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '127.0.0.1.evil.com'])
      expect(isLoopback(h), h).toBe(false);
  });
});
