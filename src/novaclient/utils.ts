/**
 * @module
 * Port of the parts of `novaclient/utils.py` (python-novaclient 3.3.0) the flow uses:
 * `find_resource`, `record_time`, `print_list` (for `--timings`), `env`; plus oslo's
 * `strutils.to_slug` (the `human_id` of a server).
 *
 * Left out: the other printing helpers (`print_dict`, formatters), keyring and bash-completion
 * helpers, `safe_issubclass`, `_load_entry_point`: no caller in this flow.
 */
import { decision, layerSpan } from '../telemetry/layer-span.js';
import type { ManagerWithFind, Resource } from './base.js';
import { TypeError_, ValueError } from '../urllib3/builtins.js';
import { CommandError, NoUniqueMatch, NotFound } from './exceptions.js';

/**
 * oslo.utils `strutils.to_slug`: ASCII-folds, drops characters other than word characters,
 * spaces and hyphens, lower-cases, and joins runs of spaces/hyphens with one hyphen.
 */
export function to_slug(value: string): string {
  const ascii = value.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  const stripped = ascii
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase();
  return stripped.replace(/[-\s]+/g, '-');
}

/** Python's `uuid.UUID(text)` accepts braces, hyphens anywhere and a `urn:uuid:` prefix. */
function parsesAsUuid(text: string): boolean {
  const hex = text
    .replace('urn:', '')
    .replace('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '');
  return /^[0-9a-fA-F]{32}$/.test(hex.split('-').join(''));
}

/** Python's `int(text)`: optional sign and surrounding whitespace, digits with single `_`. */
function parsePyInt(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return null;
  return Number.parseInt(trimmed.split('_').join(''), 10);
}

/**
 * Finds a resource by id, name, human id or integer id, in that order; `NotFound` at a step
 * just moves on. Several matches by name give `CommandError("Multiple <class> matches found
 * for '<arg>', use an ID to be more specific.")`; nothing at all `CommandError("No <class> with
 * a name or ID of '<arg>' exists.")`.
 * @see novaclient/utils.py find_resource
 */
export function find_resource(
  manager: ManagerWithFind,
  name_or_id: string,
  find_args: Record<string, unknown> = {}
): Promise<Resource> {
  return layerSpan(
    'utils.find_resource',
    { 'novaclient.name_or_id': name_or_id, 'novaclient.manager': manager.constructor.name },
    async () => {
      const className = manager.resource_class.name.toLowerCase();

      // (1) managers whose ids may be any string are asked by id first (not servers)
      if (manager.is_alphanum_id_allowed) {
        decision('find_resource: try id', `find_resource: try id ${name_or_id}`);
        try {
          return await manager.get(name_or_id);
        } catch (err) {
          if (!isLookupMiss(err)) throw err;
          decision('find_resource: not found, next', 'find_resource: id not found, next');
        }
      }

      // (2) a UUID-looking argument is tried as an id
      if (parsesAsUuid(name_or_id)) {
        decision('find_resource: try id', `find_resource: try id ${name_or_id}`);
        try {
          return await manager.get(name_or_id);
        } catch (err) {
          // Python: except (TypeError, ValueError, exceptions.NotFound): pass
          if (!movesOn(err)) throw err;
          decision('find_resource: not found, next', 'find_resource: id not found, next');
        }
      }

      try {
        // (3) by name: list filtered by name, exact match
        const resourceCls = manager.resource_class as unknown as { NAME_ATTR?: string };
        const name_attr = resourceCls.NAME_ATTR ?? 'name';
        decision('find_resource: try name', `find_resource: try ${name_attr}=${name_or_id}`);
        try {
          return await manager.find({ [name_attr]: name_or_id, ...find_args });
        } catch (err) {
          if (!isLookupMiss(err)) throw err;
          decision('find_resource: not found, next', 'find_resource: name not found, next');
        }

        // (4) by human_id (the slug of the name)
        decision('find_resource: try human_id', `find_resource: try human_id=${name_or_id}`);
        try {
          return await manager.find({ human_id: name_or_id, ...find_args });
        } catch (err) {
          if (!isLookupMiss(err)) throw err;
          decision('find_resource: not found, next', 'find_resource: human_id not found, next');
        }
      } catch (err) {
        if (err instanceof NoUniqueMatch) {
          throw new CommandError(
            `Multiple ${className} matches found for '${name_or_id}', use an ID to be more specific.`
          );
        }
        throw err;
      }

      // (5) finally as an integer id
      const asInt = parsePyInt(name_or_id);
      if (asInt !== null) {
        decision('find_resource: try integer id', `find_resource: try integer id ${asInt}`);
        try {
          return await manager.get(asInt);
        } catch (err) {
          if (!movesOn(err)) throw err;
        }
      }
      throw new CommandError(`No ${className} with a name or ID of '${name_or_id}' exists.`);
    }
  );
}

const authenticationErrors = new WeakSet<object>();

/**
 * Ours: remembers that `err` came out of the sign-in itself (lazy, in `_cs_request`) while the
 * shell runs the command (`HTTPClient.sign_in_errors_final`), so that `utils.find_resource` does
 * not take a Keystone 404 (a `/v2.0` auth URL against a v3-only Keystone) for "no such server"
 * and go on to print a lookup error. 3.3.0's shell gets that by authenticating before the command
 * (`OpenStackComputeShell.main` calls `cs.authenticate()` on the HTTPClient road: measured,
 * `nova --os-cache` prints `ERROR (NotFound): Not found (HTTP 404)` after one POST); the port
 * keeps the note's lazy sign-in and lets that error through instead. 3.3.0's library, with its
 * lazy sign-in, does take the 404 for a miss (three POSTs, then `CommandError: No server with a
 * name or ID ...`), and so does the port's when no shell runs it.
 */
export function markAuthenticationError(err: unknown): void {
  if (typeof err === 'object' && err !== null) authenticationErrors.add(err);
}

/** True when `err` was raised while signing in (see {@link markAuthenticationError}). */
export function raisedWhileAuthenticating(err: unknown): boolean {
  return typeof err === 'object' && err !== null && authenticationErrors.has(err);
}

/**
 * A `NotFound` that means "not this way, try the next": any, except one the sign-in raised
 * (ours; see {@link raisedWhileAuthenticating}), which is the user's answer.
 */
function isLookupMiss(err: unknown): boolean {
  return err instanceof NotFound && !raisedWhileAuthenticating(err);
}

/** The errors after which find_resource's id steps (2) and (5) move on to the next way. */
function movesOn(err: unknown): boolean {
  return isLookupMiss(err) || err instanceof TypeError_ || err instanceof ValueError;
}

/** One `(label, start, end)` entry of `--timings` (seconds since the epoch). */
export type Timing = readonly [label: string, start: number, end: number];

/**
 * Runs `fn` and, when `enabled`, appends `(args joined by spaces, start, end)` to `times`.
 * @see novaclient/utils.py record_time
 */
export async function record_time<T>(
  times: Timing[],
  enabled: boolean,
  args: readonly string[],
  fn: () => Promise<T>
): Promise<T> {
  if (!enabled) return fn();
  // Python: time.time(); performance gives the sub-millisecond part Date.now() lacks.
  const now = () => (performance.timeOrigin + performance.now()) / 1000;
  const start = now();
  const result = await fn();
  times.push([args.join(' '), start, now()]);
  return result;
}

/**
 * A left-aligned PrettyTable of `rows` under `fields` (what `utils.print_list` prints).
 * @see novaclient/utils.py print_list
 */
export function print_list(rows: ReadonlyArray<Record<string, unknown>>, fields: string[]): string {
  const cells = rows.map((row) =>
    fields.map((f) => {
      const v = row[f.toLowerCase().split(' ').join('_')];
      return v === undefined || v === null ? '' : String(v);
    })
  );
  const widths = fields.map((f, i) => Math.max(f.length, ...cells.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: string[]) =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [rule, line(fields), rule, ...cells.map(line), rule].join('\n') + '\n';
}

/**
 * The first of the environment variables that is set and non-empty, else `fallback`.
 * @see novaclient/utils.py env
 */
export function env(environ: NodeJS.ProcessEnv, names: readonly string[], fallback = ''): string {
  for (const name of names) {
    const value = environ[name];
    if (value) return value;
  }
  return fallback;
}
