import { describe, expect, it } from 'vitest';
import { isLoopback, parseServeArgs, UsageError } from '../../../src/viewer/command.js';

describe('parseServeArgs', () => {
  it('defaults to 127.0.0.1:8787 with the startup run', () => {
    expect(parseServeArgs([])).toEqual({
      port: 8787,
      host: '127.0.0.1',
      names: [],
      maxTraces: 200,
      maxSpans: 100_000,
      startup: true,
      help: false,
    });
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
        '--no-startup-run',
      ])
    ).toMatchObject({ port: 0, host: '::1', maxTraces: 5, maxSpans: 900, startup: false });
    expect(parseServeArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--port'], /--port needs a whole number, got nothing/],
    [['--port', 'http'], /--port needs a whole number, got 'http'/],
    [['--port', '70000'], /between 0 and 65535/],
    [['--host'], /--host needs an address/],
    [['--host', '--port'], /--host needs an address/],
    [['--max-spans', '0'], /between 1 and/],
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
