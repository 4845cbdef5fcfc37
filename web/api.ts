/**
 * @module
 * The page's calls to its own server (same origin, JSON) and the live event stream.
 */
import type { SpanRecord } from '../src/telemetry/types.js';
import { t } from './i18n.js';
import type { PythonSource } from '../src/viewer/python-source.js';
import type {
  LibraryEntry,
  PausePoint,
  RunStarted,
  RunState,
  ScenarioLine,
  TraceSummary,
  TracesOpened,
} from '../src/viewer/types.js';

/** An answer other than 2xx, with the server's message; status 0 when no answer came at all. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * `fetch`, with a lost server as an {@link ApiError} of status 0 in the page's language rather
 * than the browser's own words ("Failed to fetch", "NetworkError when attempting...").
 */
async function reach(path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, t('serverUnreachable'));
  }
}

/** What to tell the user about a failed call: the server's message, never a raw browser one. */
export function userMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : t('somethingFailed');
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  return answer<T>(await reach(path, init));
}

/** The JSON body of an answer, or an {@link ApiError} with the server's message. */
async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const message =
      body && typeof body === 'object' && 'error' in body
        ? String(body.error)
        : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

function post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  return call<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
  });
}

const OWNER_KEY = 'novatrace.owner';

/**
 * This page's owner token: runs it starts belong to it (the server refuses Next, Continue and
 * Abort from other pages). Kept per tab, so a reload keeps control of the tab's run.
 */
export let ownerToken: string = (() => {
  try {
    const kept = sessionStorage.getItem(OWNER_KEY);
    if (kept) return kept;
    const made = crypto.randomUUID();
    sessionStorage.setItem(OWNER_KEY, made);
    return made;
  } catch {
    return crypto.randomUUID();
  }
})();

// A duplicated tab starts with a copy of its original's sessionStorage, token included: ask the
// other tabs of this browser, and when one holds the same token, this page makes its own, so
// only one page ever holds a token (and steps its runs).
try {
  const channel = new BroadcastChannel(OWNER_KEY);
  channel.onmessage = (ev: MessageEvent<{ ask?: string; mine?: string }>) => {
    if (ev.data.ask === ownerToken) channel.postMessage({ mine: ownerToken });
    else if (ev.data.mine === ownerToken) {
      ownerToken = crypto.randomUUID();
      try {
        sessionStorage.setItem(OWNER_KEY, ownerToken);
        sessionStorage.removeItem('novatrace.myRun');
      } catch {
        // kept in memory only
      }
    }
  };
  channel.postMessage({ ask: ownerToken });
} catch {
  // no BroadcastChannel: one token per tab as kept
}

function owner(): Record<string, string> {
  return { 'x-novatrace-owner': ownerToken };
}

export const api = {
  scenarios: () => call<ScenarioLine[]>('/api/scenarios'),
  traces: () => call<TraceSummary[]>('/api/traces'),
  records: (traceId: string) =>
    call<SpanRecord[]>(`/api/traces/${encodeURIComponent(traceId)}/records`),
  /** One page of a trace's spans in start order, and how many the trace holds in all. */
  recordsPage: async (
    traceId: string,
    from: number,
    limit: number
  ): Promise<{ records: SpanRecord[]; total: number }> => {
    const path = `/api/traces/${encodeURIComponent(traceId)}/records?from=${from}&limit=${limit}`;
    const res = await reach(path);
    const records = await answer<SpanRecord[]>(res);
    const total = Number(res.headers.get('x-novatrace-total'));
    return { records, total: Number.isFinite(total) ? total : from + records.length };
  },
  library: () => call<LibraryEntry[]>('/api/library'),
  libraryText: async (name: string) => {
    const res = await reach(`/api/library/${encodeURIComponent(name)}`);
    if (!res.ok) throw new ApiError(res.status, `cannot load ${name}`);
    return res.text();
  },
  source: (file: string) =>
    call<{ file: string; text: string; lines: number }>(
      `/api/source?file=${encodeURIComponent(file)}`
    ),
  startRun: (
    scenario: string,
    step: boolean,
    road: 'note' | 'nova' = 'note',
    stops: 'layers' | 'decisions' = 'layers'
  ) => post<RunStarted>('/api/runs', { scenario, step, road, stops }, owner()),
  step: (runId: string, action: 'next' | 'continue' | 'abort') =>
    post<RunState>(`/api/runs/${encodeURIComponent(runId)}/${action}`, {}, owner()),
  stops: (runId: string) => call<PausePoint[]>(`/api/runs/${encodeURIComponent(runId)}/stops`),
  python: (project: string, file: string, name: string) =>
    call<PythonSource>(
      `/api/python?project=${encodeURIComponent(project)}&file=${encodeURIComponent(file)}&name=${encodeURIComponent(name)}`
    ),
  startFollow: () => post<{ followId: string; teacherKey: string }>('/api/follow', {}, owner()),
  followed: (id: string) =>
    call<{ traceId: string | null; spanId: string | null; leading: boolean }>(
      `/api/follow/${encodeURIComponent(id)}`,
      { headers: owner() }
    ),
  teach: (id: string, key: string) =>
    post<{
      followId: string;
      teacherKey: string;
      runIds: string[];
      traceId: string | null;
      spanId: string | null;
    }>(`/api/follow/${encodeURIComponent(id)}/teach`, { key }, owner()),
  lead: (id: string, traceId: string, spanId: string | undefined) =>
    post<{ ok: true }>(`/api/follow/${encodeURIComponent(id)}`, { traceId, spanId }, owner()),
  openFile: (text: string, name: string) =>
    post<TracesOpened>('/api/traces', text, {
      'x-file-name': name.replace(/[^\w .()-]/g, '_').slice(0, 120),
    }),
  otlpUrl: (traceId: string) => `/api/traces/${encodeURIComponent(traceId)}?download`,
  jaegerUrl: (traceId: string) => `/api/traces/${encodeURIComponent(traceId)}/jaeger?download`,
};
