/**
 * Test helpers for the mock cloud: start one on 127.0.0.1 (port 0) for a file or a test,
 * authenticate against an in-process app, and collect the cloud's own spans in memory.
 */
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  createCloudApp,
  FIXTURES,
  startCloud,
  type CloudApp,
  type CloudAppOptions,
} from '../../src/cloud/index.js';
import type { RunningCloud, StartCloudOptions } from '../../src/cloud/index.js';

/** Starts a cloud on 127.0.0.1, port 0. Close it yourself (or use {@link useCloud}). */
export function startTestCloud(opts: StartCloudOptions = {}): Promise<RunningCloud> {
  return startCloud({ host: '127.0.0.1', port: 0, ...opts });
}

/**
 * One cloud for the whole file, with its state reset and its faults cleared before each test.
 * @returns a getter (the cloud exists only once `beforeAll` ran)
 */
export function useCloud(opts: StartCloudOptions = {}): () => RunningCloud {
  let cloud: RunningCloud | undefined;
  beforeAll(async () => {
    cloud = await startTestCloud(opts);
  });
  beforeEach(() => {
    cloud?.state.reset();
    cloud?.faults.clear();
  });
  afterAll(async () => {
    await cloud?.close();
  });
  return () => {
    if (!cloud) throw new Error('useCloud: the cloud starts in beforeAll');
    return cloud;
  };
}

/** The cloud's spans in memory (pass `processors` to the cloud). */
export interface CloudSpans {
  readonly processors: SimpleSpanProcessor[];
  spans(): Promise<ReadableSpan[]>;
  reset(): void;
}

export function memoryCloudSpans(): CloudSpans {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  return {
    processors: [processor],
    async spans() {
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    reset() {
      exporter.reset();
    },
  };
}

/** The v3 password-auth body of the seeded user, scoped to the seeded project by name. */
export function v3PasswordBody(password: string = FIXTURES.credentials.password): unknown {
  const c = FIXTURES.credentials;
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: c.username, domain: { name: c.domain }, password } },
      },
      scope: { project: { name: c.projectName, domain: { name: c.domain } } },
    },
  };
}

/** An in-process cloud app plus a valid token for it. */
export interface AppWithToken extends CloudApp {
  readonly token: string;
  /** GET/PUT through `app.request()` with the token (and optional microversion). */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; version?: string; headers?: Record<string, string> }
  ): Promise<Response>;
}

/** Builds an app with `createCloudApp` and gets a token from its Keystone. */
export async function appWithToken(opts: CloudAppOptions = {}): Promise<AppWithToken> {
  const cloud = createCloudApp(opts);
  const res = await cloud.app.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(v3PasswordBody()),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token)
    throw new Error(`appWithToken: token request gave ${res.status}`);
  return {
    ...cloud,
    token,
    call(method, path, callOpts = {}) {
      const headers: Record<string, string> = { 'X-Auth-Token': token, ...callOpts.headers };
      if (callOpts.version) {
        headers['X-OpenStack-Nova-API-Version'] = callOpts.version;
        headers['OpenStack-API-Version'] = `compute ${callOpts.version}`;
      }
      const init: RequestInit = { method, headers };
      if (callOpts.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body =
          typeof callOpts.body === 'string' ? callOpts.body : JSON.stringify(callOpts.body);
      }
      return Promise.resolve(cloud.app.request(path, init));
    },
  };
}
