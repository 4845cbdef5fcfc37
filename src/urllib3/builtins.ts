/**
 * @module
 * The Python built-in exceptions that the ported packages raise or inherit from (`ValueError`,
 * `IOError`...), and the one root that gives every ported exception Python's multiple
 * inheritance for `instanceof`.
 *
 * Not a port of a urllib3 module: it stands in for Python's `builtins`, shared by
 * src/urllib3 and src/requests (requests already depends on urllib3, so it lives here).
 *
 * How the walk works (STYLE 2.5): a class names its primary Python base with `extends` and any
 * further bases in `static readonly extraBases`. `PyException[Symbol.hasInstance]` (inherited by
 * every subclass) answers `x instanceof C` by walking the object's real class chain plus every
 * `extraBases` list, the way Python's MRO would: `ConnectTimeout instanceof Timeout` holds.
 */

/** A class in the ported exception trees (constructor with optional Python metadata). */
export interface PyExceptionClass {
  readonly prototype: object;
  readonly pythonName?: string;
  readonly extraBases?: readonly PyExceptionClass[];
}

/** True when `cls` is `target` or inherits from it through `extends` or `extraBases`. */
export function isPySubclass(cls: unknown, target: unknown, seen = new Set<unknown>()): boolean {
  if (typeof cls !== 'function' || seen.has(cls)) return false;
  if (cls === target) return true;
  seen.add(cls);
  const own = Object.prototype.hasOwnProperty.call(cls, 'extraBases')
    ? (cls as { extraBases?: readonly unknown[] }).extraBases
    : undefined;
  for (const base of own ?? []) if (isPySubclass(base, target, seen)) return true;
  return isPySubclass(Object.getPrototypeOf(cls), target, seen);
}

/** Python's `repr()` of a string: single quotes unless the text holds one and no double quote. */
export function pyReprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  if (quote === "'") body = body.replace(/'/g, "\\'");
  return `${quote}${body}${quote}`;
}

/** Python's `repr()` of a value the ports pass around (numbers, strings, None, bools, tuples). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyReprString(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 1) return `(${pyRepr(value[0])},)`;
    return `(${value.map(pyRepr).join(', ')})`;
  }
  if (value instanceof PyException) return value.__repr__();
  if (value instanceof Error) return `${value.name}(${pyReprString(value.message)})`;
  if (
    typeof value === 'object' &&
    typeof (value as { __repr__?: unknown }).__repr__ === 'function'
  ) {
    return (value as { __repr__(): string }).__repr__();
  }
  return String(value);
}

/** Python's `str()` of a value (strings as they are, everything else via {@link pyRepr}). */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof PyException) return value.message;
  if (value instanceof Error) return value.message;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { __str__?: unknown }).__str__ === 'function'
  ) {
    return (value as { __str__(): string }).__str__();
  }
  return pyRepr(value);
}

/** Options every ported exception accepts: the lower error rides along as `cause`. */
export interface PyExceptionOptions {
  cause?: unknown;
}

/**
 * Root of every ported exception (Python's `Exception`). `args` keeps the Python arguments, so
 * `message` is what Python's `str(e)` prints and {@link PyException.__repr__} what `repr(e)` does.
 */
export class PyException extends Error {
  static readonly pythonName: string = 'Exception';
  static readonly extraBases: readonly PyExceptionClass[] = [];
  /** The Python `args` tuple. */
  readonly args: readonly unknown[];

  constructor(args: readonly unknown[] = [], options: PyExceptionOptions = {}) {
    super(
      args.length === 0 ? '' : args.length === 1 ? pyStr(args[0]) : pyRepr(args),
      options.cause === undefined ? undefined : { cause: options.cause }
    );
    this.args = args;
    this.name = new.target.name;
  }

  /** The unqualified Python class name (`NewConnectionError`). */
  get pythonShortName(): string {
    const full = (this.constructor as PyExceptionClass).pythonName ?? this.name;
    return full.slice(full.lastIndexOf('.') + 1);
  }

  /** Python 3's `repr(e)`: `ClassName('arg', ...)`. */
  __repr__(): string {
    return `${this.pythonShortName}(${this.args.map(pyRepr).join(', ')})`;
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (instance === null || typeof instance !== 'object') return false;
    return isPySubclass((instance as object).constructor, this);
  }
}

/** Python's `ValueError`. */
export class ValueError extends PyException {
  static override readonly pythonName: string = 'ValueError';
}

/** Python's `TypeError`. */
export class TypeError_ extends PyException {
  static override readonly pythonName: string = 'TypeError';
}

/** Python's `KeyError`: its text is the repr of the missing key (`'server'`). */
export class KeyError extends PyException {
  static override readonly pythonName: string = 'KeyError';
  constructor(key: unknown) {
    super([key]);
    this.message = pyRepr(key);
  }
}

/** Python's `OverflowError` (a socket address with a port out of range raises it). */
export class OverflowError extends PyException {
  static override readonly pythonName: string = 'OverflowError';
}

/** Python's `RuntimeError`. */
export class RuntimeError extends PyException {
  static override readonly pythonName: string = 'RuntimeError';
}

/** Python's `IOError` (an alias of `OSError` since Python 3.3; requests 2.9 still names it IOError). */
export class IOError extends PyException {
  static override readonly pythonName: string = 'IOError';
}

/** Python's `AssertionError`. */
export class AssertionError_ extends PyException {
  static override readonly pythonName: string = 'AssertionError';
}
