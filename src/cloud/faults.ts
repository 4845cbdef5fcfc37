/**
 * @module
 * Faults the mock cloud injects on demand, so each branch of the client's code (re-auth,
 * dropped connections, error statuses, redirects) can be driven for real. Switched from code
 * (`cloud.faults.set(...)`) or over the control route `/_novatrace/faults`.
 *
 * Matching: `path`/`from` is matched against the request's URL path, where `*` stands for one
 * path segment (or part of one) and `**` (or any longer run of `*`) for anything; patterns are
 * matched without backtracking, in time pattern length × path length, and may be up to
 * {@link MAX_PATTERN_LENGTH} characters long. A Nova path also matches in its
 * project-id form: `/v2.1/servers/X` matches both `/v2.1/servers/X` and
 * `/v2.1/<project_id>/servers/X`. `method` (optional) is compared case-insensitively.
 *
 * Counting: `count` says how many requests the fault hits before it switches itself off;
 * without one it stays until cleared (`token-expired` requires it, `'all'` = until cleared).
 *
 * Durations (`ms`, `afterMs`) are at most {@link MAX_FAULT_MS}, the longest a Node timer waits.
 */

/** Statuses a `status` fault may answer with. */
export const FAULT_STATUSES = [400, 403, 404, 409, 429, 500, 503] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

/** Redirect statuses a `redirect` fault may answer with. */
export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;
export type RedirectStatus = (typeof REDIRECT_STATUSES)[number];

/**
 * One fault. A discriminated union on `fault`.
 *
 * - `token-expired`: the next `count` authenticated Nova calls (or all) get keystonemiddleware's
 *   401, and the token they carried is revoked, as if it had expired.
 * - `delay`: wait `ms` before handling matching requests (all when no `path`).
 * - `close-after-response`: after answering, close the keep-alive connection without announcing
 *   it; the FIN leaves right behind the answer's last byte. A client that sends its next
 *   request within that fraction of a millisecond (Python's requests over loopback sometimes
 *   does) gets a reset instead of noticing the drop: the real keep-alive race. `announce: true`
 *   sends `Connection: close` instead, the polite and deterministic way.
 * - `close-idle`: close a keep-alive connection once it has been idle for `afterMs`, without the
 *   client knowing (the server's `Keep-Alive` hint stays long).
 * - `drop-request`: destroy the connection instead of answering (no status line at all).
 * - `status`: answer matching requests with that status, in Nova's (or Keystone's) error shape;
 *   `retryAfter` sets `Retry-After` (a 429 without one says 30 s, as Nova's limits did).
 * - `legacy-400-connection-refused`: a 400 whose body says "Connection refused", which the
 *   seed-era novaclient turns into `ConnectionRefused`.
 * - `redirect`: answer requests to `from` with a redirect to `to` (a path or an absolute URL).
 * - `cinder-only-swap`: Nova 2025.2's rule: a swap is refused with 409 `volume <id> is not
 *   migrating; this API should only be called by Cinder` unless the volume is migrating.
 */
export type Fault =
  | { fault: 'token-expired'; count: number | 'all' }
  | { fault: 'delay'; ms: number; path?: string; method?: string; count?: number }
  | {
      fault: 'close-after-response';
      announce?: boolean;
      path?: string;
      method?: string;
      count?: number;
    }
  | { fault: 'close-idle'; afterMs: number }
  | { fault: 'drop-request'; path: string; method?: string; count?: number }
  | {
      fault: 'status';
      status: FaultStatus;
      path: string;
      method?: string;
      message?: string;
      retryAfter?: number;
      count?: number;
    }
  | { fault: 'legacy-400-connection-refused'; path: string; method?: string; count?: number }
  | {
      fault: 'redirect';
      status: RedirectStatus;
      from: string;
      to: string;
      method?: string;
      count?: number;
    }
  | { fault: 'cinder-only-swap' };

export type FaultKind = Fault['fault'];

/** The fault of one kind. */
export type FaultOf<K extends FaultKind> = Extract<Fault, { fault: K }>;

/** An active fault as {@link Faults.list} shows it. */
export interface ActiveFault {
  readonly fault: Fault;
  /** Requests it will still hit; null = until cleared. */
  readonly remaining: number | null;
  /** Requests it has hit so far. */
  readonly fired: number;
}

export const FAULT_KINDS: readonly FaultKind[] = [
  'token-expired',
  'delay',
  'close-after-response',
  'close-idle',
  'drop-request',
  'status',
  'legacy-400-connection-refused',
  'redirect',
  'cinder-only-swap',
];

/** A fault description that does not parse; `message` says which field is wrong. */
export class FaultSpecError extends Error {
  readonly code = 'FAULT_SPEC';
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

interface Entry {
  fault: Fault;
  remaining: number | null;
  fired: number;
}

/** What a request is, for fault matching. */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
}

/**
 * The active faults of one cloud.
 * @example
 * cloud.faults.set({ fault: 'token-expired', count: 1 });
 * cloud.faults.set({ fault: 'status', status: 409, method: 'PUT', path: '/v2.1/servers/**' });
 * cloud.faults.clear();
 */
export class Faults {
  #entries: Entry[] = [];

  /**
   * Switches a fault on. A fault of the same kind for the same method and path replaces the
   * earlier one; others add up. Throws {@link FaultSpecError} for an invalid description.
   */
  set(fault: Fault): void {
    const checked = parseFault(fault);
    const key = faultKey(checked);
    this.#entries = this.#entries.filter((e) => faultKey(e.fault) !== key);
    this.#entries.push({ fault: checked, remaining: initialCount(checked), fired: 0 });
  }

  /** Switches off every fault, or those of one kind. */
  clear(kind?: FaultKind): void {
    this.#entries = kind ? this.#entries.filter((e) => e.fault.fault !== kind) : [];
  }

  /** The active faults, in the order they were set. */
  list(): ActiveFault[] {
    return this.#entries.map((e) => ({
      fault: { ...e.fault },
      remaining: e.remaining,
      fired: e.fired,
    }));
  }

  /** True when a fault of this kind is active (does not count as a hit). */
  has(kind: FaultKind): boolean {
    return this.#entries.some((e) => e.fault.fault === kind);
  }

  /** The active fault of a kind without counting a hit (for settings like `close-idle`). */
  peek<K extends FaultKind>(kind: K): FaultOf<K> | undefined {
    return this.#entries.find((e) => e.fault.fault === kind)?.fault as FaultOf<K> | undefined;
  }

  /**
   * The first active fault of `kind` that matches the request, counted as a hit: its
   * remaining count goes down and it switches itself off at zero.
   */
  take<K extends FaultKind>(kind: K, request?: RequestInfo): FaultOf<K> | undefined {
    const entry = this.#entries.find(
      (e) => e.fault.fault === kind && (request === undefined || matches(e.fault, request))
    );
    if (!entry) return undefined;
    entry.fired += 1;
    if (entry.remaining !== null) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#entries = this.#entries.filter((e) => e !== entry);
    }
    return entry.fault as FaultOf<K>;
  }

  /** Remaining hits of the active fault of a kind (null = until cleared, undefined = none). */
  remaining(kind: FaultKind): number | null | undefined {
    const entry = this.#entries.find((e) => e.fault.fault === kind);
    return entry ? entry.remaining : undefined;
  }
}

function initialCount(fault: Fault): number | null {
  if (fault.fault === 'token-expired') return fault.count === 'all' ? null : fault.count;
  if ('count' in fault && typeof fault.count === 'number') return fault.count;
  return null;
}

function faultKey(fault: Fault): string {
  const method = 'method' in fault && fault.method ? fault.method.toUpperCase() : '*';
  const path = 'path' in fault && fault.path ? fault.path : 'from' in fault ? fault.from : '*';
  return `${fault.fault} ${method} ${path}`;
}

function matches(fault: Fault, request: RequestInfo): boolean {
  if (
    'method' in fault &&
    fault.method &&
    fault.method.toUpperCase() !== request.method.toUpperCase()
  ) {
    return false;
  }
  const pattern = 'from' in fault ? fault.from : 'path' in fault ? fault.path : undefined;
  return pattern === undefined || pathMatches(pattern, request.path);
}

/** One step of a path pattern: a literal character, `*` (within a segment) or `**`. */
type GlobToken = string | typeof SEGMENT | typeof ANYTHING;
const SEGMENT = Symbol('*');
const ANYTHING = Symbol('**');

/** The pattern's steps; a run of two or more `*` is one `**` (`***`, `****` = `**`). */
function globTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length;) {
    if (pattern[i] !== '*') {
      tokens.push(pattern[i]!);
      i += 1;
      continue;
    }
    let run = 0;
    while (pattern[i] === '*') {
      run += 1;
      i += 1;
    }
    tokens.push(run === 1 ? SEGMENT : ANYTHING);
  }
  return tokens;
}

/**
 * Glob match by dynamic programming over (pattern step, path position): time O(pattern ×
 * path), memory O(path), whatever the pattern. (A translated regex backtracks: a pattern like
 * `/**a**a**a**a**b` took seconds against a 120-character path and blocked the whole cloud.)
 */
function globMatches(tokens: readonly GlobToken[], path: string): boolean {
  const n = path.length;
  // row[j]: the steps so far match path[0, j).
  let row = new Array<boolean>(n + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(n + 1).fill(false);
    if (token === ANYTHING || token === SEGMENT) {
      next[0] = row[0]!;
      for (let j = 1; j <= n; j++) {
        next[j] =
          row[j]! || (next[j - 1]! && (token === ANYTHING || path.charCodeAt(j - 1) !== 0x2f));
      }
    } else {
      for (let j = 1; j <= n; j++) next[j] = row[j - 1]! && path[j - 1] === token;
    }
    row = next;
    if (!row.includes(true)) return false;
  }
  return row[n]!;
}

/**
 * True when `path` matches `pattern` (`*` = within one segment, `**` = anything), directly or
 * with a Nova project id segment (`/v2.1/<hex id>/...`) removed.
 */
export function pathMatches(pattern: string, path: string): boolean {
  const tokens = globTokens(pattern);
  if (globMatches(tokens, path)) return true;
  const withoutProject = stripProjectId(path);
  return withoutProject !== path && globMatches(tokens, withoutProject);
}

/** `/v2.1/<project id>/rest` -> `/v2.1/rest`; other paths unchanged. */
export function stripProjectId(path: string): string {
  return path.replace(/^\/v2\.1\/[0-9a-f-]{32,36}(?=\/|$)/, '/v2.1');
}

/**
 * Checks a fault description (from code or JSON) and returns it as a {@link Fault}.
 * Unknown keys are refused too, so a typo does not silently switch nothing on.
 */
export function parseFault(input: unknown): Fault {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultSpecError('a fault must be a JSON object with a "fault" field');
  }
  const o = input as Record<string, unknown>;
  const kind = o.fault;
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind)) {
    throw new FaultSpecError(
      `"fault" must be one of ${FAULT_KINDS.join(', ')} (got ${JSON.stringify(kind)})`
    );
  }
  const allowed: Record<FaultKind, readonly string[]> = {
    'token-expired': ['count'],
    delay: ['ms', 'path', 'method', 'count'],
    'close-after-response': ['announce', 'path', 'method', 'count'],
    'close-idle': ['afterMs'],
    'drop-request': ['path', 'method', 'count'],
    status: ['status', 'path', 'method', 'message', 'retryAfter', 'count'],
    'legacy-400-connection-refused': ['path', 'method', 'count'],
    redirect: ['status', 'from', 'to', 'method', 'count'],
    'cinder-only-swap': [],
  };
  const k = kind as FaultKind;
  for (const key of Object.keys(o)) {
    if (key !== 'fault' && !allowed[k].includes(key)) {
      throw new FaultSpecError(
        `fault '${k}' has no field "${key}" (fields: ${allowed[k].join(', ') || 'none'})`
      );
    }
  }
  const count = optionalCount(k, o.count);
  const method = optionalString(k, 'method', o.method);
  switch (k) {
    case 'token-expired': {
      if (o.count !== 'all' && count === undefined) {
        throw new FaultSpecError(
          `fault 'token-expired' needs "count": a positive integer or "all"`
        );
      }
      return { fault: k, count: o.count === 'all' ? 'all' : (count as number) };
    }
    case 'delay':
      return withOptional(
        { fault: k, ms: timerMs(k, 'ms', o.ms) },
        { path: optionalPattern(k, 'path', o.path), method, count }
      );
    case 'close-after-response': {
      if (o.announce !== undefined && typeof o.announce !== 'boolean') {
        throw new FaultSpecError(`fault '${k}': "announce" must be true or false`);
      }
      return withOptional(
        { fault: k },
        {
          announce: o.announce as boolean | undefined,
          path: optionalPattern(k, 'path', o.path),
          method,
          count,
        }
      );
    }
    case 'close-idle':
      return { fault: k, afterMs: timerMs(k, 'afterMs', o.afterMs) };
    case 'drop-request':
      return withOptional(
        { fault: k, path: requiredPattern(k, 'path', o.path) },
        { method, count }
      );
    case 'status': {
      if (!FAULT_STATUSES.includes(o.status as FaultStatus)) {
        throw new FaultSpecError(
          `fault 'status': "status" must be one of ${FAULT_STATUSES.join(', ')}`
        );
      }
      const retryAfter =
        o.retryAfter === undefined ? undefined : nonNegative(k, 'retryAfter', o.retryAfter);
      return withOptional(
        { fault: k, status: o.status as FaultStatus, path: requiredPattern(k, 'path', o.path) },
        { method, message: optionalString(k, 'message', o.message), retryAfter, count }
      );
    }
    case 'legacy-400-connection-refused':
      return withOptional(
        { fault: k, path: requiredPattern(k, 'path', o.path) },
        { method, count }
      );
    case 'redirect': {
      if (!REDIRECT_STATUSES.includes(o.status as RedirectStatus)) {
        throw new FaultSpecError(
          `fault 'redirect': "status" must be one of ${REDIRECT_STATUSES.join(', ')}`
        );
      }
      return withOptional(
        {
          fault: k,
          status: o.status as RedirectStatus,
          from: requiredPattern(k, 'from', o.from),
          to: requiredString(k, 'to', o.to),
        },
        { method, count }
      );
    }
    case 'cinder-only-swap':
      return { fault: k };
    default: {
      const never: never = k;
      throw new FaultSpecError(`unknown fault ${String(never)}`);
    }
  }
}

/** Adds the defined optional fields to a fault (exactOptionalPropertyTypes-friendly). */
function withOptional<F extends Fault>(base: F, optional: Record<string, unknown>): F {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out as F;
}

function optionalCount(kind: string, value: unknown): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FaultSpecError(`fault '${kind}': "count" must be a positive integer`);
  }
  return value;
}

function nonNegative(kind: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FaultSpecError(`fault '${kind}': "${name}" must be a number >= 0`);
  }
  return value;
}

/** Longest delay a Node timer can wait (2^31 - 1 ms); a longer one would fire after 1 ms. */
export const MAX_FAULT_MS = 2 ** 31 - 1;

/** Longest `path`/`from` pattern (URL paths are far shorter; matching costs pattern × path). */
export const MAX_PATTERN_LENGTH = 2048;

function timerMs(kind: string, name: string, value: unknown): number {
  const ms = nonNegative(kind, name, value);
  if (ms > MAX_FAULT_MS) {
    throw new FaultSpecError(`fault '${kind}': "${name}" must be at most ${MAX_FAULT_MS} (ms)`);
  }
  return ms;
}

function requiredPattern(kind: string, name: string, value: unknown): string {
  const pattern = requiredString(kind, name, value);
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new FaultSpecError(
      `fault '${kind}': "${name}" must be at most ${MAX_PATTERN_LENGTH} characters`
    );
  }
  return pattern;
}

function optionalPattern(kind: string, name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requiredPattern(kind, name, value);
}

function requiredString(kind: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new FaultSpecError(`fault '${kind}' needs "${name}" (a non-empty string)`);
  }
  return value;
}

function optionalString(kind: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return requiredString(kind, name, value);
}
