/**
 * @module
 * The Keystone options that `cloud`, `serve` and `run` share (option table entries), and the
 * parser of `cloud --keystone URL`.
 */
import { printable, UsageError, valueOption } from '../commands/options.js';
import { KEYSTONE_VERSIONS, parseKeystoneVersions, type KeystoneVersions } from './keystone.js';
import { normaliseKeystoneUrl } from './remote-keystone.js';

/** `--keystone-versions v3|v2.0,v3`: which Keystone APIs the mock serves. */
export const KEYSTONE_VERSIONS_OPTION = valueOption(
  '--keystone-versions',
  'v3|v2.0,v3',
  "Keystone APIs the mock serves: v3 alone is every Keystone since Queens; v2.0 is the seed-era Keystone 3.3.0's HTTPClient needs",
  {
    default: KEYSTONE_VERSIONS as KeystoneVersions,
    defaultText: 'v2.0,v3',
    parse: (value, flag) => {
      try {
        return parseKeystoneVersions(value);
      } catch (err) {
        throw new UsageError(`${flag}: ${(err as Error).message}`);
      }
    },
  }
);

/** A Keystone's http(s) root or `/v3` URL, kept as its root. */
export function keystoneUrl(value: string, flag: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
    throw new UsageError(
      `${flag} must be Keystone's http(s) root or /v3 URL (got '${printable(value)}')`
    );
  }
  return normaliseKeystoneUrl(value);
}
