/**
 * @module
 * Port of `novaclient/shell.py` (python-novaclient 3.3.0) for one subcommand, `volume-update`:
 * `main` and `OpenStackComputeShell.main` — options and `OS_*` variables (the table of
 * nova-wire.md §1), the credential checks, the microversion, building the client, running
 * `do_volume_update`, `--timings`, and the `ERROR (<Class>): <message>` line with exit 1
 * (argparse usage errors exit 2).
 *
 * Two roads, chosen as 3.3.0 chooses (`use_session`):
 * - **The nova road** (the default, what `nova volume-update` ran): a keystoneauth1 `Session`
 *   with the generic password plugin (identity version discovery), a first client at 2.0 that
 *   reads the compute version document (`discover_version`, client maximum 2.25 as 3.3.0), then
 *   the real client at the negotiated microversion, all over the session's one pool: one
 *   keep-alive connection for the whole command.
 * - **The note's road** (`HTTPClient`): when `--bypass-url`/`--os-endpoint-override` or
 *   `--os-cache` forces it, or when the embedding program asks for it (`road: 'note'`, the
 *   scenarios' default, or a given client). Deliberate differences there (ours): authentication
 *   is lazy, in the first `_cs_request`, as in the seed note (3.3.0's shell called
 *   `cs.authenticate()` first); the default microversion is 2.1 (3.3.0: 2.latest, always
 *   discovered), an explicit version is used with no discovery request, `2.latest` is resolved
 *   by one GET of the compute endpoint (see api_versions.discover_version).
 * - `--delete-on-termination` / `--no-delete-on-termination` (18.1.0, 2.85+) exist; below 2.85
 *   they are "unrecognized arguments" (exit 2), as in 18.1.0.
 * - Global options are also accepted after the subcommand name (argparse would refuse them),
 *   so `novatrace volume-update --os-auth-url ... SERVER ...` works.
 * Left out: every other subcommand, `--os-token`, auth plugins/systems, keyring cache
 * (`--os-cache`), bash completion, `--profile`, the password prompt, extensions.
 */
import { decision, layerSpan, pythonName } from '../telemetry/layer-span.js';
import { rememberSecret, scrubSecrets, sha1Redact } from '../telemetry/redact.js';
import {
  API_MAX_VERSION,
  API_MIN_VERSION,
  APIVersion,
  SEED_ERA_API_MAX_VERSION,
  discover_version,
  get_api_version,
} from './api_versions.js';
import { _get_server_version_range } from './v2/versions.js';
import { Password as GenericPassword } from '../keystoneauth1/identity/generic/base.js';
import { Session as KeystoneSession } from '../keystoneauth1/session.js';
import type { HTTPClientOptions, SessionClient } from './client.js';
import { CommandError } from './exceptions.js';
import { env as envFirst, print_list, type Timing } from './utils.js';
import { Client } from './v2/client.js';
import { do_volume_update, type VolumeUpdateArgs } from './v2/shell.js';

/** Where the shell writes (process.stdout / process.stderr by default). */
export interface ShellIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Ours: how the embedding program adjusts the shell. */
export interface ShellOptions {
  /** Program name in usage lines (default `nova`). */
  prog?: string;
  /** How the "Try ... --help" hint starts the program, so it pastes (default: `prog`). */
  hintProg?: string;
  /** Extra HTTPClient options (e.g. `connection_pool: true`) for scenarios. */
  client?: Partial<HTTPClientOptions>;
  /** Python's `with cs:` — one plain session for the whole run. */
  open_session?: boolean;
  /**
   * `note` forces `HTTPClient` (the road the seed note reads); `nova` or nothing chooses as
   * 3.3.0's shell does (the keystoneauth1 session unless an option forces `HTTPClient`).
   */
  road?: 'note' | 'nova';
  /**
   * Run with this client instead of building one from the options (e.g. two runs sharing a
   * pooled client and its token). The shell sets its microversion and leaves it open.
   */
  cs?: Client;
}

/** Python's SystemExit from argparse: a usage error (2) with its text. */
export class SystemExit extends Error {
  static readonly pythonName = 'SystemExit';
  readonly code: number;
  readonly text: string;
  constructor(code: number, text: string) {
    super(text.trim() || `exit ${code}`);
    this.name = 'SystemExit';
    this.code = code;
    this.text = text;
  }
}

/** The parsed global options (argparse dests). */
interface GlobalArgs {
  os_auth_url: string;
  os_username: string;
  os_user_id: string;
  os_password: string;
  os_project_name: string;
  os_project_id: string;
  os_user_domain_name: string;
  os_user_domain_id: string;
  os_project_domain_name: string;
  os_project_domain_id: string;
  os_region_name: string;
  os_endpoint_type: string;
  os_compute_api_version: string;
  bypass_url: string;
  os_cacert: string;
  timeout: string;
  insecure: boolean;
  debug: boolean;
  timings: boolean;
  os_cache: boolean;
}

type ValueDest = {
  [K in keyof GlobalArgs]: GlobalArgs[K] extends string ? K : never;
}[keyof GlobalArgs];
type FlagDest = {
  [K in keyof GlobalArgs]: GlobalArgs[K] extends boolean ? K : never;
}[keyof GlobalArgs];

interface ValueOption {
  readonly flags: readonly string[];
  readonly dest: ValueDest;
  readonly metavar: string;
  readonly env: readonly string[];
  readonly default?: string;
  /** What help names as the default when it is not a fixed value (ours, help only). */
  readonly helpDefault?: string;
}

/** Global options with a value, and the variables each falls back to (first set wins). */
const VALUE_OPTIONS: readonly ValueOption[] = [
  {
    flags: ['--os-auth-url'],
    dest: 'os_auth_url',
    metavar: '<auth-url>',
    env: ['OS_AUTH_URL', 'NOVA_URL'],
  },
  {
    flags: ['--os-username'],
    dest: 'os_username',
    metavar: '<auth-user-name>',
    env: ['OS_USERNAME', 'NOVA_USERNAME'],
  },
  { flags: ['--os-user-id'], dest: 'os_user_id', metavar: '<auth-user-id>', env: ['OS_USER_ID'] },
  {
    flags: ['--os-password'],
    dest: 'os_password',
    metavar: '<auth-password>',
    env: ['OS_PASSWORD', 'NOVA_PASSWORD'],
  },
  {
    flags: ['--os-project-name', '--os-tenant-name'],
    dest: 'os_project_name',
    metavar: '<auth-project-name>',
    env: ['OS_PROJECT_NAME', 'OS_TENANT_NAME', 'NOVA_PROJECT_ID'],
  },
  {
    flags: ['--os-project-id', '--os-tenant-id'],
    dest: 'os_project_id',
    metavar: '<auth-project-id>',
    env: ['OS_PROJECT_ID', 'OS_TENANT_ID'],
  },
  {
    flags: ['--os-user-domain-name'],
    dest: 'os_user_domain_name',
    metavar: '<auth-user-domain-name>',
    env: ['OS_USER_DOMAIN_NAME'],
  },
  {
    flags: ['--os-user-domain-id'],
    dest: 'os_user_domain_id',
    metavar: '<auth-user-domain-id>',
    env: ['OS_USER_DOMAIN_ID'],
  },
  {
    flags: ['--os-project-domain-name'],
    dest: 'os_project_domain_name',
    metavar: '<auth-project-domain-name>',
    env: ['OS_PROJECT_DOMAIN_NAME'],
  },
  {
    flags: ['--os-project-domain-id'],
    dest: 'os_project_domain_id',
    metavar: '<auth-project-domain-id>',
    env: ['OS_PROJECT_DOMAIN_ID'],
  },
  {
    flags: ['--os-region-name'],
    dest: 'os_region_name',
    metavar: '<region-name>',
    env: ['OS_REGION_NAME', 'NOVA_REGION_NAME'],
  },
  {
    flags: ['--os-endpoint-type'],
    dest: 'os_endpoint_type',
    metavar: '<endpoint-type>',
    env: ['NOVA_ENDPOINT_TYPE', 'OS_ENDPOINT_TYPE'],
    default: 'publicURL',
  },
  {
    flags: ['--os-compute-api-version'],
    dest: 'os_compute_api_version',
    metavar: '<compute-api-ver>',
    env: ['OS_COMPUTE_API_VERSION'],
    helpDefault: '2.latest (2.1 on the HTTPClient road)',
  },
  {
    flags: ['--os-endpoint-override', '--bypass-url'],
    dest: 'bypass_url',
    metavar: '<bypass-url>',
    env: ['OS_ENDPOINT_OVERRIDE', 'NOVACLIENT_ENDPOINT_OVERRIDE', 'NOVACLIENT_BYPASS_URL'],
  },
  { flags: ['--os-cacert'], dest: 'os_cacert', metavar: '<ca-certificate>', env: ['OS_CACERT'] },
  { flags: ['--timeout'], dest: 'timeout', metavar: '<seconds>', env: [], default: '600' },
];

const FLAG_OPTIONS: ReadonlyArray<{ flag: string; dest: FlagDest; env?: string; help: string }> = [
  {
    flag: '--insecure',
    dest: 'insecure',
    env: 'NOVACLIENT_INSECURE',
    help: 'Do not verify the server certificate.',
  },
  { flag: '--debug', dest: 'debug', help: 'Print debugging output.' },
  { flag: '--timings', dest: 'timings', help: 'Print call timing info.' },
  // 3.3.0: the keyring token cache; here it only forces the HTTPClient road (no cache kept).
  {
    flag: '--os-cache',
    dest: 'os_cache',
    env: 'OS_CACHE',
    help: 'Use the HTTPClient road, as 3.3.0 does for its token cache (no cache is kept here).',
  },
];

const DOT_FLAGS = ['--delete-on-termination', '--no-delete-on-termination'] as const;

/** What the command line said, before the environment fills the gaps. */
interface ParsedArgv {
  given: Partial<Record<ValueDest, string>>;
  flags: Partial<Record<FlagDest, boolean>>;
  help: boolean;
  subcommand: string | null;
  positionals: string[];
  deleteOnTermination: { flag: (typeof DOT_FLAGS)[number]; value: boolean } | null;
  unrecognized: string[];
}

/** The option names whose values are secrets (redacted in the root span's argv). */
const SECRET_FLAGS = new Set(['--os-password']);

/** argv with secret option values replaced by their `{SHA1}` digest. */
function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    if (eq > 0 && SECRET_FLAGS.has(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=${sha1Redact(arg.slice(eq + 1))}`);
    } else if (SECRET_FLAGS.has(arg) && i + 1 < argv.length) {
      out.push(arg, sha1Redact(argv[i + 1] as string));
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The usage line of `volume-update`, wrapped the way argparse wraps it. */
function subUsage(prog: string, withDot: boolean): string {
  const head = `usage: ${prog} volume-update`;
  if (!withDot) return `${head} <server> <attachment> <volume>\n`;
  const pad = ' '.repeat(head.length + 1);
  return `${head} [--delete-on-termination | --no-delete-on-termination]\n${pad}<server> <attachment> <volume>\n`;
}

function mainUsage(prog: string): string {
  return (
    `usage: ${prog} [--version] [--debug] [--timings] [--os-auth-url <auth-url>]\n` +
    `       ${' '.repeat(prog.length)} [--os-username <auth-user-name>] [--os-user-id <auth-user-id>]\n` +
    `       ${' '.repeat(prog.length)} [--os-password <auth-password>] [--os-project-name <auth-project-name>]\n` +
    `       ${' '.repeat(prog.length)} [--os-project-id <auth-project-id>] [--os-region-name <region-name>]\n` +
    `       ${' '.repeat(prog.length)} [--os-compute-api-version <compute-api-ver>] [--timeout <seconds>]\n` +
    `       ${' '.repeat(prog.length)} [--os-endpoint-override <bypass-url>] [--insecure]\n` +
    `       ${' '.repeat(prog.length)} <subcommand> ...\n`
  );
}

/**
 * Ours: the global options as `[label, help]` rows, nova's "Defaults to env[...]" wording; also
 * shown by `novatrace volume-update --help`, which takes them after the subcommand too.
 */
export function global_option_rows(): [string, string][] {
  return [
    ...VALUE_OPTIONS.map((o): [string, string] => [
      `${o.flags.join(', ')} ${o.metavar}`,
      o.env.length
        ? `Defaults to ${o.env.map((e) => `env[${e}]`).join(', ')}${(o.default ?? o.helpDefault) ? ` or ${o.default ?? o.helpDefault}` : ''}.`
        : `Defaults to ${o.default ?? 'none'}.`,
    ]),
    ...FLAG_OPTIONS.map((o): [string, string] => [
      o.flag,
      o.env ? `${o.help} Defaults to env[${o.env}].` : o.help,
    ]),
  ];
}

function mainHelp(prog: string): string {
  const rows = global_option_rows();
  const width = Math.max(...rows.map(([a]) => (a as string).length));
  return (
    mainUsage(prog) +
    '\nCommand-line interface to the OpenStack Nova API (novatrace port: volume-update only).\n\n' +
    'Positional arguments:\n  <subcommand>\n    volume-update    Update volume attachment.\n\n' +
    'Optional arguments:\n' +
    rows.map(([a, b]) => `  ${(a as string).padEnd(width)}  ${b}`).join('\n') +
    '\n'
  );
}

function subHelp(prog: string, withDot: boolean): string {
  return (
    subUsage(prog, withDot) +
    '\nUpdate volume attachment.\n\nPositional arguments:\n' +
    '  <server>      Name or ID of server.\n' +
    '  <attachment>  Attachment ID of the volume.\n' +
    '  <volume>      ID of the volume to attach.\n' +
    (withDot
      ? '\nOptional arguments:\n' +
        '  --delete-on-termination     Specify that the volume should be deleted when the\n' +
        '                              server is destroyed. (Supported by API versions\n' +
        "                              '2.85' - '2.latest')\n" +
        '  --no-delete-on-termination  Specify that the volume should not be deleted when\n' +
        '                              the server is destroyed. (Supported by API versions\n' +
        "                              '2.85' - '2.latest')\n"
      : '')
  );
}

/**
 * The port of `OpenStackComputeShell`: parses, checks, builds the client and runs the command.
 * @see novaclient/shell.py OpenStackComputeShell
 */
export class OpenStackComputeShell {
  readonly #env: NodeJS.ProcessEnv;
  readonly #io: ShellIO;
  readonly #opts: ShellOptions;
  readonly prog: string;
  times: Timing[] = [];
  cs: Client | Client<SessionClient> | null = null;

  constructor(env: NodeJS.ProcessEnv, io: ShellIO, opts: ShellOptions = {}) {
    this.#env = env;
    this.#io = io;
    this.#opts = opts;
    this.prog = opts.prog ?? 'nova';
  }

  /** argparse's `error()`: usage, the message, and a hint; exit 2. */
  #usageError(message: string, sub: { withDot: boolean } | null): SystemExit {
    const usage = sub ? subUsage(this.prog, sub.withDot) : mainUsage(this.prog);
    // Embedded (novatrace volume-update), the one help there is lists nova's options too.
    const hint =
      sub || this.#opts.hintProg
        ? `Try '${this.#opts.hintProg ?? this.prog} volume-update --help' for more information.`
        : `Try '${this.prog} --help' for more information.`;
    return new SystemExit(2, `${usage}error: ${message}\n${hint}\n`);
  }

  /** Splits argv into global options, the subcommand, its options and positionals. */
  parse(argv: readonly string[]): ParsedArgv {
    const parsed: ParsedArgv = {
      given: {},
      flags: {},
      help: false,
      subcommand: null,
      positionals: [],
      deleteOnTermination: null,
      unrecognized: [],
    };
    let onlyPositionals = false;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] as string;
      if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
        if (parsed.subcommand === null) parsed.subcommand = arg;
        else parsed.positionals.push(arg);
        continue;
      }
      if (arg === '--') {
        onlyPositionals = true;
        continue;
      }
      if (arg === '-h' || arg === '--help') {
        parsed.help = true;
        continue;
      }
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      const valueOption = VALUE_OPTIONS.find((o) => o.flags.includes(name));
      if (valueOption) {
        let value: string | undefined;
        if (eq > 0) value = arg.slice(eq + 1);
        else {
          const next = argv[i + 1];
          if (next !== undefined && !(next.startsWith('-') && next.length > 1)) {
            value = next;
            i++;
          }
        }
        if (value === undefined) {
          throw this.#usageError(
            `argument ${valueOption.flags.join('/')}: expected one argument`,
            null
          );
        }
        parsed.given[valueOption.dest] = value;
        continue;
      }
      const flagOption = FLAG_OPTIONS.find((o) => o.flag === arg);
      if (flagOption) {
        parsed.flags[flagOption.dest] = true;
        continue;
      }
      const dot = DOT_FLAGS.find((f) => f === arg);
      if (dot && parsed.subcommand !== null) {
        if (parsed.deleteOnTermination && parsed.deleteOnTermination.flag !== dot) {
          throw this.#usageError(
            `argument ${dot}: not allowed with argument ${parsed.deleteOnTermination.flag}`,
            { withDot: true }
          );
        }
        parsed.deleteOnTermination = { flag: dot, value: dot === '--delete-on-termination' };
        continue;
      }
      parsed.unrecognized.push(arg);
    }
    return parsed;
  }

  /** A global option: the command line, else the first variable set, else the default. */
  #value(parsed: ParsedArgv, dest: ValueDest): string {
    const given = parsed.given[dest];
    if (given !== undefined) return given;
    const option = VALUE_OPTIONS.find((o) => o.dest === dest) as ValueOption;
    return envFirst(this.#env, option.env, option.default ?? '');
  }

  #flag(parsed: ParsedArgv, dest: FlagDest): boolean {
    if (parsed.flags[dest]) return true;
    const envName = FLAG_OPTIONS.find((o) => o.dest === dest)?.env;
    return envName ? Boolean(this.#env[envName]) : false;
  }

  /**
   * Parses, checks the options, builds the client and runs `volume-update`.
   * @see novaclient/shell.py OpenStackComputeShell.main
   */
  async main(argv: readonly string[]): Promise<void> {
    const parsed = this.parse(argv);
    const out = this.#io.stdout;

    if (parsed.subcommand === 'help') {
      const topic = parsed.positionals[0];
      if (topic === undefined) out.write(mainHelp(this.prog));
      else if (topic === 'volume-update') out.write(subHelp(this.prog, true));
      else throw new CommandError(`'${topic}' is not a valid subcommand`);
      return;
    }
    if (parsed.subcommand === null) {
      if (parsed.unrecognized.length > 0) {
        throw this.#usageError(`unrecognized arguments: ${parsed.unrecognized.join(' ')}`, null);
      }
      out.write(mainHelp(this.prog));
      return;
    }
    if (parsed.subcommand !== 'volume-update') {
      throw this.#usageError(
        `argument <subcommand>: invalid choice: '${parsed.subcommand}' (choose from 'volume-update', 'help')`,
        null
      );
    }

    // Python: use_session unless an auth plugin, --bypass-url, --os-cache or a volume service
    // name forces HTTPClient (here also: the embedding program asks for the note's road).
    const bypass_url = this.#value(parsed, 'bypass_url');
    const use_session =
      this.#opts.road !== 'note' &&
      !this.#opts.cs &&
      !bypass_url &&
      !this.#flag(parsed, 'os_cache');
    // The microversion decides which subcommand arguments exist. 3.3.0's default is 2.latest;
    // the note's road keeps 2.1 (ours, see the module comment).
    const api_version = get_api_version(
      this.#value(parsed, 'os_compute_api_version') || (use_session ? '2.latest' : '2.1')
    );
    const dotKnown = api_version.is_latest() || api_version.compare(new APIVersion('2.85')) >= 0;
    if (parsed.help) {
      out.write(subHelp(this.prog, dotKnown));
      return;
    }

    const unrecognized = [...parsed.unrecognized];
    if (parsed.deleteOnTermination && !dotKnown) unrecognized.push(parsed.deleteOnTermination.flag);
    const names = ['<server>', '<attachment>', '<volume>'];
    if (parsed.positionals.length < 3) {
      throw this.#usageError(
        `the following arguments are required: ${names.slice(parsed.positionals.length).join(', ')}`,
        { withDot: dotKnown }
      );
    }
    unrecognized.push(...parsed.positionals.slice(3));
    if (unrecognized.length > 0) {
      // argparse: leftovers are reported by the main parser, with the main usage (as nova does).
      throw this.#usageError(`unrecognized arguments: ${unrecognized.join(' ')}`, null);
    }
    const [server, attachment_id, new_volume] = parsed.positionals as [string, string, string];

    const timeoutText = this.#value(parsed, 'timeout');
    const timeout = Number(timeoutText);
    if (timeoutText.trim() === '' || Number.isNaN(timeout)) {
      throw this.#usageError(`argument --timeout: ${timeoutText} must be a float`, null);
    }
    if (timeout <= 0) {
      throw this.#usageError(`argument --timeout: ${timeoutText} must be greater than 0`, null);
    }

    const os_username = this.#value(parsed, 'os_username');
    const os_user_id = this.#value(parsed, 'os_user_id');
    const os_password = this.#value(parsed, 'os_password');
    const os_project_name = this.#value(parsed, 'os_project_name');
    const os_project_id = this.#value(parsed, 'os_project_id');
    const os_auth_url = this.#value(parsed, 'os_auth_url');
    rememberSecret(os_password);

    // Python: the credential checks, in this order.
    if (!os_username && !os_user_id) {
      throw new CommandError(
        'You must provide a username or user ID via --os-username, --os-user-id, env[OS_USERNAME] or env[OS_USER_ID]'
      );
    }
    if (!os_project_name && !os_project_id) {
      throw new CommandError(
        'You must provide a project name or project id via --os-project-name, --os-project-id, env[OS_PROJECT_ID] or env[OS_PROJECT_NAME]. You may use os-project and os-tenant interchangeably.'
      );
    }
    if (!os_auth_url) {
      throw new CommandError(
        'You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL]'
      );
    }
    if (!api_version.is_latest() && api_version.compare(new APIVersion('2.0')) > 0) {
      if (!api_version.matches(API_MIN_VERSION, API_MAX_VERSION)) {
        throw new CommandError(
          `The specified version isn't supported by client. The valid version range is '${API_MIN_VERSION.get_string()}' to '${API_MAX_VERSION.get_string()}'`
        );
      }
    }
    if (!os_password) {
      throw new CommandError(
        'Expecting a password provided via either --os-password, env[OS_PASSWORD], or prompted response'
      );
    }

    const debug = this.#flag(parsed, 'debug');
    const stderr = this.#io.stderr;
    const args: VolumeUpdateArgs = {
      server,
      attachment_id,
      new_volume,
      delete_on_termination: parsed.deleteOnTermination?.value ?? null,
    };
    if (use_session) {
      decision(
        'session road: keystoneauth1 session',
        'no option forces HTTPClient: keystoneauth1 session, one pool for the whole command'
      );
      await this.#mainSession(parsed, api_version, args, {
        os_username,
        os_user_id,
        os_password,
        os_project_name,
        os_project_id,
        os_auth_url,
        timeout,
        debug,
      });
      return;
    }
    decision(
      'HTTPClient road: option forces it',
      this.#opts.road === 'note' || this.#opts.cs
        ? "the note's road: HTTPClient"
        : `${bypass_url ? '--bypass-url' : '--os-cache'} forces HTTPClient (no keystoneauth1 session)`
    );
    const given = this.#opts.cs;
    const initial_version = api_version.is_latest() ? new APIVersion('2.0') : api_version;
    const cs =
      given ??
      new Client({
        user: os_username || null,
        user_id: os_user_id || null,
        password: os_password,
        projectid: os_project_name || null,
        tenant_id: os_project_id || null,
        auth_url: os_auth_url,
        insecure: this.#flag(parsed, 'insecure'),
        cacert: this.#value(parsed, 'os_cacert') || null,
        timeout,
        region_name: this.#value(parsed, 'os_region_name') || null,
        endpoint_type: this.#value(parsed, 'os_endpoint_type'),
        service_type: 'compute',
        timings: this.#flag(parsed, 'timings'),
        bypass_url: bypass_url || null,
        http_log_debug: debug,
        api_version: initial_version,
        user_domain_name: this.#value(parsed, 'os_user_domain_name') || null,
        user_domain_id: this.#value(parsed, 'os_user_domain_id') || null,
        project_domain_name: this.#value(parsed, 'os_project_domain_name') || null,
        project_domain_id: this.#value(parsed, 'os_project_domain_id') || null,
        logger: (line) => stderr.write(`${line}\n`),
        print: (line) => out.write(`${line}\n`),
        ...this.#opts.client,
      });
    if (given) given.api_version = initial_version;
    this.cs = cs;
    if (this.#opts.open_session) cs.open_session();
    // 3.3.0's shell authenticates before the command, so a sign-in error is the command's
    // answer; the port signs in lazily (the note's road) and keeps that answer final instead.
    const signInWasFinal = cs.client.sign_in_errors_final;
    cs.client.sign_in_errors_final = true;

    try {
      if (api_version.is_latest()) {
        cs.api_version = await discover_version(cs.client, api_version);
        decision('microversion discovered', `2.latest -> ${cs.api_version.get_string()}`);
        if (parsed.deleteOnTermination && cs.api_version.compare(new APIVersion('2.85')) < 0) {
          throw this.#usageError(
            `unrecognized arguments: ${parsed.deleteOnTermination.flag}`,
            null
          );
        }
      }

      await do_volume_update(cs, args);

      if (cs.client.timings) this._dump_timings([...this.times, ...cs.client.get_timings()]);
    } finally {
      cs.client.sign_in_errors_final = signInWasFinal;
      // A client the caller gave us stays open (its pool and token are the point).
      if (!given) await cs.client.close();
    }
  }

  /**
   * The nova road: a keystoneauth1 session and the generic password plugin, a 2.0 client that
   * discovers the microversion, the real client at that version, one pool throughout.
   * @see novaclient/shell.py OpenStackComputeShell.main (use_session), novaclient/client.py
   *   _construct_http_client
   */
  async #mainSession(
    parsed: ParsedArgv,
    requested: APIVersion,
    args: VolumeUpdateArgs,
    creds: {
      os_username: string;
      os_user_id: string;
      os_password: string;
      os_project_name: string;
      os_project_id: string;
      os_auth_url: string;
      timeout: number;
      debug: boolean;
    }
  ): Promise<void> {
    const stderr = this.#io.stderr;
    const cacert = this.#value(parsed, 'os_cacert');
    // Python: loading.load_session_from_argparse_arguments / load_auth_from_argparse_arguments
    const session = new KeystoneSession({
      verify: this.#flag(parsed, 'insecure') ? false : cacert || true,
      timeout: creds.timeout,
      logger: creds.debug ? (line) => stderr.write(`${line}\n`) : null,
    });
    const auth = new GenericPassword(creds.os_auth_url, {
      username: creds.os_username || null,
      user_id: creds.os_user_id || null,
      password: creds.os_password,
      project_name: creds.os_project_name || null,
      project_id: creds.os_project_id || null,
      user_domain_name: this.#value(parsed, 'os_user_domain_name') || null,
      user_domain_id: this.#value(parsed, 'os_user_domain_id') || null,
      project_domain_name: this.#value(parsed, 'os_project_domain_name') || null,
      project_domain_id: this.#value(parsed, 'os_project_domain_id') || null,
    });
    const clientOptions = {
      session,
      auth,
      region_name: this.#value(parsed, 'os_region_name') || null,
      endpoint_type: this.#value(parsed, 'os_endpoint_type'),
      service_type: 'compute',
      timings: this.#flag(parsed, 'timings'),
    };
    try {
      // Python: "This client is just used to discover api version" (at 2.0: no headers).
      const probe = new Client<SessionClient>({
        ...clientOptions,
        api_version: new APIVersion('2.0'),
      });
      this.cs = probe;
      const api_version = await discover_version(probe.client, requested, {
        range: () => _get_server_version_range(probe),
        max_version: SEED_ERA_API_MAX_VERSION,
      });
      decision(
        'microversion discovered',
        `${requested.get_string()} -> ${api_version.get_string()}`
      );
      if (parsed.deleteOnTermination && api_version.compare(new APIVersion('2.85')) < 0) {
        throw this.#usageError(`unrecognized arguments: ${parsed.deleteOnTermination.flag}`, null);
      }
      // Python: "Recreate client object with discovered version" (same session and plugin).
      const cs = new Client<SessionClient>({ ...clientOptions, api_version });
      this.cs = cs;
      await do_volume_update(cs, args);
      if (cs.client.timings) {
        this._dump_timings([
          ...this.times,
          ...probe.client.get_timings(),
          ...cs.client.get_timings(),
        ]);
      }
    } finally {
      await session.close();
    }
  }

  /** Prints the `--timings` table (url, seconds) and a Total row to stdout. */
  _dump_timings(timings: readonly Timing[]): void {
    const rows = timings.map(([url, start, end]) => ({ url, seconds: end - start }));
    const total = rows.reduce((sum, row) => sum + row.seconds, 0);
    rows.push({ url: 'Total', seconds: total });
    this.#io.stdout.write(print_list(rows, ['url', 'seconds']));
  }
}

/** The short Python class name the shell prints (`ConnectionError`, `NotFound`, ...). */
function shortClassName(err: unknown): string {
  const full = pythonName(err);
  return full.slice(full.lastIndexOf('.') + 1);
}

/**
 * The `nova` entry point: runs the shell inside the root span `nova volume-update`; prints
 * `ERROR (<Class>): <message>` on stderr for any exception.
 * @param argv arguments after the program name (`['volume-update', SERVER, ATTACHED, NEW]`)
 * @returns the exit code: 0 ok, 1 error, 2 usage
 * @see novaclient/shell.py main
 * @example
 * const code = await main(['--os-compute-api-version', '2.1', 'volume-update', 'vm-1', a, b]);
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: ShellIO = { stdout: process.stdout, stderr: process.stderr },
  opts: ShellOptions = {}
): Promise<number> {
  // Remember the password before anything can log it.
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--os-password') rememberSecret(argv[i + 1]);
    else if (arg.startsWith('--os-password=')) rememberSecret(arg.slice('--os-password='.length));
  }
  rememberSecret(env['OS_PASSWORD']);
  rememberSecret(env['NOVA_PASSWORD']);

  const shell = new OpenStackComputeShell(env, io, opts);
  try {
    await layerSpan(
      'nova volume-update',
      { 'process.command_args': redactArgv(argv), 'novaclient.prog': shell.prog },
      () => shell.main(argv)
    );
    return 0;
  } catch (err) {
    if (err instanceof SystemExit) {
      io.stderr.write(err.text);
      return err.code;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(scrubSecrets(`ERROR (${shortClassName(err)}): ${message}\n`));
    return 1;
  }
}
