/**
 * @module
 * Connect and read timeouts for one request.
 * @see urllib3/util/timeout.py (urllib3 1.13.1) Timeout
 *
 * Ported: validation with its ValueError texts, `from_float`, `clone`, `start_connect`,
 * `connect_timeout` / `read_timeout` (with `total`). Values are seconds, as in Python;
 * `null` (Python None) means wait forever; {@link DEFAULT_TIMEOUT} is the socket default
 * (also forever here, as Python's `socket.getdefaulttimeout()` is None unless set).
 */
import { ValueError, pyRepr, pyStr } from '../builtins.js';
import { TimeoutStateError } from '../exceptions.js';

/** Python's `socket._GLOBAL_DEFAULT_TIMEOUT`: "use the socket default". */
export const DEFAULT_TIMEOUT: unique symbol = Symbol('_GLOBAL_DEFAULT_TIMEOUT');
/** Python's `_Default` sentinel: "argument not given". */
export const _Default: unique symbol = Symbol('_Default');

/** A timeout value: seconds, None (forever), or the socket default. */
export type TimeoutValue = number | null | typeof DEFAULT_TIMEOUT;

function nowSeconds(): number {
  return performance.now() / 1000;
}

/** Connect, read and total timeouts of one request, in seconds. */
export class Timeout {
  static readonly DEFAULT_TIMEOUT = DEFAULT_TIMEOUT;
  readonly _connect: TimeoutValue;
  readonly _read: TimeoutValue;
  readonly total: TimeoutValue;
  _start_connect: number | null = null;

  constructor(opts: { total?: unknown; connect?: unknown; read?: unknown } = {}) {
    this._connect = Timeout._validate_timeout(
      'connect' in opts ? opts.connect : _Default,
      'connect'
    );
    this._read = Timeout._validate_timeout('read' in opts ? opts.read : _Default, 'read');
    this.total = Timeout._validate_timeout('total' in opts ? (opts.total ?? null) : null, 'total');
  }

  toString(): string {
    return `Timeout(connect=${showValue(this._connect)}, read=${showValue(this._read)}, total=${showValue(this.total)})`;
  }

  /** Checks that a timeout is a non-negative number, None or the default; ValueError otherwise. */
  static _validate_timeout(value: unknown, name: string): TimeoutValue {
    if (value === _Default) return DEFAULT_TIMEOUT;
    if (value === null || value === undefined || value === DEFAULT_TIMEOUT) {
      return value === undefined ? null : (value as TimeoutValue);
    }
    const numeric = typeof value === 'boolean' ? Number(value) : value;
    if (typeof numeric !== 'number' || Number.isNaN(numeric)) {
      throw new ValueError([
        `Timeout value ${name} was ${pyStr(value)}, but it must be an int or float.`,
      ]);
    }
    if (numeric < 0) {
      throw new ValueError([
        `Attempted to set ${name} timeout to ${pyStr(value)}, but the timeout cannot be set to a value less than 0.`,
      ]);
    }
    return numeric;
  }

  /** A Timeout with the same value for connect and read (`total` unset). */
  static from_float(timeout: unknown): Timeout {
    return new Timeout({ read: timeout, connect: timeout });
  }

  /** A fresh copy (the connect timer is per request). */
  clone(): Timeout {
    return new Timeout({ connect: this._connect, read: this._read, total: this.total });
  }

  /** Starts the connect timer; a second call raises TimeoutStateError. */
  start_connect(): number {
    if (this._start_connect !== null) {
      throw new TimeoutStateError(['Timeout timer has already been started.']);
    }
    this._start_connect = nowSeconds();
    return this._start_connect;
  }

  /** Seconds since {@link start_connect}. */
  get_connect_duration(): number {
    if (this._start_connect === null) {
      throw new TimeoutStateError(["Can't get connect duration for timer that has not started."]);
    }
    return nowSeconds() - this._start_connect;
  }

  /** The connect timeout, bounded by `total`. */
  get connect_timeout(): TimeoutValue {
    if (this.total === null) return this._connect;
    if (this._connect === null || this._connect === DEFAULT_TIMEOUT) return this.total;
    if (this.total === DEFAULT_TIMEOUT) return this._connect;
    return Math.min(this._connect, this.total);
  }

  /** The read timeout, bounded by what `total` leaves after connecting. */
  get read_timeout(): TimeoutValue {
    const total = this.total;
    const read = this._read;
    if (total !== null && total !== DEFAULT_TIMEOUT && read !== null && read !== DEFAULT_TIMEOUT) {
      if (this._start_connect === null) return read;
      return Math.max(0, Math.min(total - this.get_connect_duration(), read));
    }
    if (total !== null && total !== DEFAULT_TIMEOUT) {
      return Math.max(0, total - this.get_connect_duration());
    }
    return read;
  }
}

/** Python-like display of a timeout value (`None`, `5`, `'a'`...). */
export function showValue(value: unknown): string {
  if (value === DEFAULT_TIMEOUT) return '<object object>';
  return pyRepr(value);
}

/**
 * The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires after
 * 1 ms with a TimeoutOverflowWarning. Python waits as long as it is told, so a longer timeout
 * means no timer at all.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Seconds (or None/default = forever) as undici milliseconds, where 0 disables the timer. */
export function toUndiciMs(value: TimeoutValue): number {
  if (value === null || value === DEFAULT_TIMEOUT) return 0;
  const ms = Math.round(value * 1000);
  if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) return 0;
  // undici treats 0 as "no timer"; a Python timeout of 0 means "fail at once", so use 1 ms.
  return Math.max(1, ms);
}
