/**
 * @module
 * How many times, and for which failures, urllib3 tries again.
 * @see urllib3/util/retry.py (urllib3 1.13.1) Retry
 *
 * Ported: the counters (`total`, `connect`, `read`, `redirect`), `from_int`, `new`,
 * `increment` (which re-raises when a counter is `false`, and raises MaxRetryError when
 * exhausted), `is_exhausted`, `is_forced_retry`, `get_backoff_time` / `sleep`, and `repr`.
 * requests configures `Retry(0, read=False)`: no retries, a read error is re-raised as itself,
 * any other error becomes MaxRetryError. Left out: nothing the flow reaches.
 */
import { pyRepr } from '../builtins.js';
import {
  ConnectTimeoutError,
  MaxRetryError,
  ProtocolError,
  ReadTimeoutError,
  ResponseError,
} from '../exceptions.js';

/** A retry counter: a number, `null` (Python None, no limit of its own) or `false` (never). */
export type RetryCount = number | null | false;

export interface RetryOptions {
  total?: RetryCount;
  connect?: RetryCount;
  read?: RetryCount;
  redirect?: RetryCount;
  method_whitelist?: ReadonlySet<string> | null;
  status_forcelist?: ReadonlySet<number> | null;
  backoff_factor?: number;
  raise_on_redirect?: boolean;
  _observed_errors?: number;
}

/** What `increment` needs to know about the response that used a retry up. */
export interface RetryResponse {
  readonly status: number;
  get_redirect_location(): string | null | false;
}

/** Retry counters, immutable: `increment` returns a new Retry. */
export class Retry {
  static readonly DEFAULT_METHOD_WHITELIST: ReadonlySet<string> = new Set([
    'HEAD',
    'GET',
    'PUT',
    'DELETE',
    'OPTIONS',
    'TRACE',
  ]);
  /** Maximum backoff time, seconds. */
  static readonly BACKOFF_MAX = 120;
  /** `Retry.DEFAULT`: three retries of each kind. */
  static get DEFAULT(): Retry {
    return new Retry(3);
  }

  readonly total: RetryCount;
  readonly connect: RetryCount;
  readonly read: RetryCount;
  readonly redirect: RetryCount;
  readonly method_whitelist: ReadonlySet<string> | null;
  readonly status_forcelist: ReadonlySet<number>;
  readonly backoff_factor: number;
  readonly raise_on_redirect: boolean;
  readonly _observed_errors: number;

  constructor(total: RetryCount = 10, opts: RetryOptions = {}) {
    let redirect = opts.redirect ?? null;
    let raiseOnRedirect = opts.raise_on_redirect ?? true;
    // Python: redirect=False or total=False means "do not follow, and do not raise".
    if (redirect === false || total === false) {
      redirect = 0;
      raiseOnRedirect = false;
    }
    this.total = total;
    this.connect = opts.connect ?? null;
    this.read = opts.read ?? null;
    this.redirect = redirect;
    this.method_whitelist =
      opts.method_whitelist === undefined ? Retry.DEFAULT_METHOD_WHITELIST : opts.method_whitelist;
    this.status_forcelist = opts.status_forcelist ?? new Set();
    this.backoff_factor = opts.backoff_factor ?? 0;
    this.raise_on_redirect = raiseOnRedirect;
    this._observed_errors = opts._observed_errors ?? 0;
  }

  /** A copy with some counters replaced. */
  new(params: RetryOptions & { total?: RetryCount }): Retry {
    return new Retry('total' in params ? (params.total as RetryCount) : this.total, {
      connect: this.connect,
      read: this.read,
      redirect: this.redirect,
      method_whitelist: this.method_whitelist,
      status_forcelist: this.status_forcelist,
      backoff_factor: this.backoff_factor,
      raise_on_redirect: this.raise_on_redirect,
      _observed_errors: this._observed_errors,
      ...params,
    });
  }

  /** Backwards-compatible construction from an int, None, or a Retry. */
  static from_int(
    retries: Retry | RetryCount | undefined,
    redirect: boolean | RetryCount = true,
    fallback: Retry | RetryCount | null = null
  ): Retry {
    if (retries === null || retries === undefined) {
      retries = fallback !== null ? fallback : Retry.DEFAULT;
    }
    if (retries instanceof Retry) return retries;
    // Python: `redirect = bool(redirect) and None`.
    const redirectCount: RetryCount = redirect ? null : false;
    return new Retry(retries, { redirect: redirectCount });
  }

  /** Seconds to sleep before the next try. */
  get_backoff_time(): number {
    if (this._observed_errors <= 1) return 0;
    const backoff = this.backoff_factor * 2 ** (this._observed_errors - 1);
    return Math.min(Retry.BACKOFF_MAX, backoff);
  }

  /** Sleeps the backoff time (resolves at once when it is 0). */
  async sleep(): Promise<void> {
    const backoff = this.get_backoff_time();
    if (backoff <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, backoff * 1000));
  }

  /** Errors raised while connecting (where the request surely did not reach the server). */
  _is_connection_error(err: unknown): boolean {
    return err instanceof ConnectTimeoutError;
  }

  /** Errors raised after the request was sent (the server may have processed it). */
  _is_read_error(err: unknown): boolean {
    return err instanceof ReadTimeoutError || err instanceof ProtocolError;
  }

  /** True when the response status asks for a retry of this method. */
  is_forced_retry(method: string, status_code: number): boolean {
    if (this.method_whitelist && !this.method_whitelist.has(method.toUpperCase())) return false;
    return this.status_forcelist.size > 0 && this.status_forcelist.has(status_code);
  }

  /** True when some counter went below zero. */
  is_exhausted(): boolean {
    // Python: `filter(None, counts)` drops 0, None and False before taking the minimum.
    const counts = [this.total, this.connect, this.read, this.redirect].filter(
      (c): c is number => typeof c === 'number' && c !== 0
    );
    if (counts.length === 0) return false;
    return Math.min(...counts) < 0;
  }

  /**
   * Counts one retry. Re-raises `error` when its kind of retry is disabled (`false`), raises
   * MaxRetryError when exhausted, else returns the updated Retry.
   */
  increment(opts: {
    method?: string;
    url?: string;
    response?: RetryResponse | null;
    error?: unknown;
    _pool?: unknown;
  }): Retry {
    const { url = '', response = null, error = null, _pool = null } = opts;
    if (this.total === false && error) throw error;
    let total = this.total;
    if (typeof total === 'number') total -= 1;
    let observed = this._observed_errors;
    let connect = this.connect;
    let read = this.read;
    let redirect = this.redirect;
    let cause = 'unknown';
    if (error && this._is_connection_error(error)) {
      // Python: connection errors use the connect counter (False → re-raise).
      if (connect === false) throw error;
      if (typeof connect === 'number') connect -= 1;
      observed += 1;
    } else if (error && this._is_read_error(error)) {
      // Python: read errors use the read counter (False → re-raise).
      if (read === false) throw error;
      if (typeof read === 'number') read -= 1;
      observed += 1;
    } else if (response && response.get_redirect_location()) {
      // Python: a redirect response uses the redirect counter.
      if (typeof redirect === 'number') redirect -= 1;
      cause = 'too many redirects';
    } else {
      // Python: a status in status_forcelist, or an unknown cause.
      observed += 1;
      cause = ResponseError.GENERIC_ERROR;
      if (response && response.status) {
        cause = ResponseError.SPECIFIC_ERROR.replace('{status_code}', String(response.status));
      }
    }
    const next = this.new({ total, connect, read, redirect, _observed_errors: observed });
    if (next.is_exhausted()) {
      throw new MaxRetryError(_pool, url, error ?? new ResponseError([cause]));
    }
    return next;
  }

  /** `Retry(total=0, connect=None, read=False, redirect=None)`. */
  __repr__(): string {
    return (
      `Retry(total=${pyRepr(this.total)}, connect=${pyRepr(this.connect)}, ` +
      `read=${pyRepr(this.read)}, redirect=${pyRepr(this.redirect)})`
    );
  }

  toString(): string {
    return this.__repr__();
  }
}
