/**
 * @module
 * The option tables of the `novatrace` commands and the one parser and help printer that read
 * them. A command's table is the single source of what it accepts and of what its `--help`
 * says: an option exists only as an entry here, with its flag, value name, one-line help and
 * default, so help cannot forget an option the parser takes (`test/unit/commands/help.test.ts`
 * walks every command to prove it).
 *
 * Adding an option to a command is one entry in its table, e.g. in `src/viewer/command.ts`:
 * ```ts
 * pythonSrc: valueOption('--python-src', 'DIR', 'upstream Python packages shown beside the port',
 *   { default: undefined, defaultText: 'none', parse: text }),
 * ```
 * and the command reads `opts.pythonSrc`.
 */

import { invocation } from './invocation.js';

/** A command-line mistake: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {
  /** Stable code to match on, never the message. */
  readonly code = 'USAGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An option that takes a value (`--port 8787` or `--port=8787`). */
export interface ValueOption<T> {
  readonly kind: 'value';
  readonly flag: string;
  /** The value's name in help (`N`, `FILE`, `URL`). */
  readonly metavar: string;
  readonly help: string;
  readonly default: T;
  /** How help shows the default (`8787`, `not written`). */
  readonly defaultText: string;
  /**
   * Checks and converts the text; throws {@link UsageError} naming the valid range. `previous`
   * is the value so far (the default, or what an earlier use of the flag gave), so a repeatable
   * option collects: `(text, flag, previous) => [...previous, text]`.
   */
  // Method syntax on purpose: a table holds options of different T side by side.
  parse(text: string, flag: string, previous: T): T;
}

/** An option without a value: `true` when given. */
export interface SwitchOption {
  readonly kind: 'switch';
  readonly flag: string;
  readonly aliases: readonly string[];
  readonly help: string;
}

export type OptionSpec = ValueOption<unknown> | SwitchOption;
/** A command's options by the name the command reads them under. */
export type OptionTable = Record<string, OptionSpec>;

/** What {@link parseCommandLine} returns for a table: each value typed by its entry. */
export type OptionValues<O extends OptionTable> = {
  -readonly [K in keyof O]: O[K] extends ValueOption<infer T> ? T : boolean;
};

/** One table entry for an option with a value. */
export function valueOption<T>(
  flag: string,
  metavar: string,
  help: string,
  how: {
    default: T;
    defaultText?: string;
    parse: (text: string, flag: string, previous: T) => T;
  }
): ValueOption<T> {
  return {
    kind: 'value',
    flag,
    metavar,
    help,
    default: how.default,
    defaultText: how.defaultText ?? String(how.default),
    parse: how.parse,
  };
}

/** One table entry for an option without a value. */
export function switchOption(
  flag: string,
  help: string,
  aliases: readonly string[] = []
): SwitchOption {
  return { kind: 'switch', flag, aliases, help };
}

/** `-h, --help`, which every command takes. */
export const HELP_OPTION = switchOption('--help', 'show this help and exit', ['-h']);

/** A value kept as given (not empty). */
export function text(value: string, flag: string): string {
  if (value === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

/** A parser for a whole number from `min` to `max`; the error names the range. */
export function intIn(min: number, max: number): (value: string, flag: string) => number {
  return (value, flag) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new UsageError(
        `${flag} must be a whole number from ${min} to ${max} (got '${printable(value)}')`
      );
    }
    return n;
  };
}

/**
 * `--name HOST`, repeatable: each use adds one DNS name (or address), lower-cased, to the names
 * a server's Host guard answers besides loopback.
 */
export function hostNameList(
  value: string,
  flag: string,
  previous: readonly string[]
): readonly string[] {
  if (!/^[a-z0-9.-]{1,253}$/i.test(value)) {
    throw new UsageError(`${flag} needs a host name, got '${printable(value)}'`);
  }
  return [...previous, value.toLowerCase()];
}

/** A parser for one of a few words; the error names them all. */
export function oneOf<const W extends string>(
  words: readonly W[]
): (value: string, flag: string) => W {
  return (value, flag) => {
    if (!(words as readonly string[]).includes(value)) {
      throw new UsageError(
        `${flag} must be one of ${words.join(', ')} (got '${printable(value)}')`
      );
    }
    return value as W;
  };
}

/** An http(s) URL without its trailing slashes. */
export function httpUrl(value: string, flag: string): string {
  if (!/^https?:\/\/[^/\s]/.test(value)) {
    throw new UsageError(`${flag} must be an http(s) URL (got '${printable(value)}')`);
  }
  return value.replace(/\/+$/, '');
}

/** Control characters shown escaped, so a hostile argument cannot drive the terminal. */
export function printable(value: string): string {
  return value.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  );
}

/** How {@link parseCommandLine} treats what is not in the table. */
export interface ParseMode {
  /** Keep unknown options in `rest` instead of refusing them (volume-update hands them to nova). */
  readonly passUnknown?: boolean;
}

/** The result of {@link parseCommandLine}. */
export interface ParsedCommandLine<O extends OptionTable> {
  readonly options: OptionValues<O>;
  /** Positionals, plus unknown options in `passUnknown` mode, in their order. */
  readonly rest: string[];
}

/**
 * Reads `args` against a table: `--flag value`, `--flag=value`, switches, positionals; `--`
 * ends the options (kept in `rest` in `passUnknown` mode, so the next parser sees it too).
 * @throws UsageError for an unknown option, a missing value or a value out of range
 * @example
 * const { options, rest } = parseCommandLine(SHOW_OPTIONS, ['traces/happy.json', '--no-color']);
 */
export function parseCommandLine<O extends OptionTable>(
  table: O,
  args: readonly string[],
  mode: ParseMode = {}
): ParsedCommandLine<O> {
  const values: Record<string, unknown> = {};
  const byFlag = new Map<string, [string, OptionSpec]>();
  for (const [key, spec] of Object.entries(table)) {
    values[key] = spec.kind === 'value' ? spec.default : false;
    byFlag.set(spec.flag, [key, spec]);
    if (spec.kind === 'switch') for (const alias of spec.aliases) byFlag.set(alias, [key, spec]);
  }
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      rest.push(...(mode.passUnknown ? args.slice(i) : args.slice(i + 1)));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      rest.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const found = byFlag.get(flag);
    if (!found) {
      if (mode.passUnknown) {
        rest.push(arg);
        continue;
      }
      throw new UsageError(`unknown option '${printable(arg)}'`);
    }
    const [key, spec] = found;
    if (spec.kind === 'switch') {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      values[key] = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (
        value === undefined ||
        (value.startsWith('-') && value.length > 1 && !/^-\d/.test(value))
      ) {
        throw new UsageError(`${flag} needs a value (${spec.metavar})`);
      }
      i++;
    }
    values[key] = spec.parse(value, flag, values[key]);
  }
  return { options: values as OptionValues<O>, rest };
}

/** What a command's help says besides its options. */
export interface HelpText {
  /** `novatrace run` */
  readonly prog: string;
  /** After the options in the usage line: `SCENARIO`, `FILE`, `DIR`. */
  readonly synopsis: string;
  /** A few lines on what the command does. */
  readonly description: string;
  /** Option sections, each a title and a table (`options`, `telemetry options`). */
  readonly sections: readonly (readonly [string, OptionTable])[];
  /** Lines after the options (environment, examples). */
  readonly epilog?: string;
}

/** The left column of an option in help: `-h, --help`, `--port N`. */
export function optionLabel(spec: OptionSpec): string {
  if (spec.kind === 'switch') return [...spec.aliases, spec.flag].join(', ');
  return `${spec.flag} ${spec.metavar}`;
}

/** The right column: the help line and, for a value, its default. */
export function optionDescription(spec: OptionSpec): string {
  return spec.kind === 'value' ? `${spec.help} (default: ${spec.defaultText})` : spec.help;
}

/** The width help is wrapped at. */
export const HELP_WIDTH = 100;

/**
 * Formats rows as two aligned columns, two spaces in; a long right column wraps under itself.
 * A left column wider than a third of the width puts its text on the next line.
 */
export function twoColumns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(
    Math.max(...rows.map(([left]) => left.length)),
    Math.floor(HELP_WIDTH / 3)
  );
  const indent = ' '.repeat(2 + width + 2);
  return rows
    .map(([left, right]) => {
      const lines = wrapWords(right, HELP_WIDTH - indent.length);
      if (left.length > width) return [`  ${left}`, ...lines.map((l) => indent + l)].join('\n');
      const [first = '', ...more] = lines;
      return [`  ${left.padEnd(width)}  ${first}`.trimEnd(), ...more.map((l) => indent + l)].join(
        '\n'
      );
    })
    .join('\n');
}

/** Splits text into lines of at most `width` characters at spaces (a longer word stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A command's complete `--help`: usage line, description, every option of every section with
 * its help line and default.
 */
export function renderHelp(help: HelpText): string {
  const sections = help.sections
    .filter(([, table]) => Object.keys(table).length > 0)
    .map(
      ([title, table]) =>
        `${title}:\n${twoColumns(Object.values(table).map((s) => [optionLabel(s), optionDescription(s)]))}`
    );
  return [usageLine(help), help.description.trimEnd(), ...sections, help.epilog?.trimEnd()]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n\n')
    .concat('\n');
}

/** `usage: novatrace run SCENARIO [options]` */
export function usageLine(help: HelpText): string {
  return `usage: ${help.prog}${help.synopsis ? ` ${help.synopsis}` : ''} [options]`;
}

/**
 * The short form printed after a usage error: the usage line and a command that shows the
 * help, written the way this program was started so it pastes (`node bin/novatrace.js …`).
 */
export function usageHint(help: HelpText, start: string): string {
  const sub = help.prog.replace(/^novatrace\b/, start);
  return `${usageLine(help)}\nTry '${sub} --help' for the options.\n`;
}

/**
 * Prints a usage error the one way every command does: `<prog>: <message>`, the usage line and
 * the help command; returns 2.
 */
export function usageFailure(
  stderr: { write(text: string): unknown },
  help: HelpText,
  err: UsageError
): number {
  stderr.write(`${help.prog}: ${err.message}\n${usageHint(help, invocation())}`);
  return 2;
}
