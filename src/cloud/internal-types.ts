/**
 * @module
 * Types shared inside src/cloud: the Hono environment of the cloud app and the dependencies
 * its route modules receive.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Faults } from './faults.js';
import type { RouteTable } from './http-util.js';
import type { ApiVersion } from './microversion.js';
import type { CloudState, TokenRecord } from './store.js';
import type { CloudService, CloudTracing, RequestTrace } from './tracing.js';

/** Per-request values the middlewares set for the handlers. */
export interface CloudVariables {
  /** The request's SERVER span and its steps (absent only on the control routes). */
  rt: RequestTrace;
  /** `req-<uuid>`, sent back as x-openstack-request-id (and x-compute-request-id by Nova). */
  requestId: string;
  service: CloudService;
  /** The route template (`/v2.1/servers/{server_id}`), set by the handler that answered. */
  route: string;
  /** The negotiated Nova microversion. */
  version: ApiVersion;
  /** The validated token of a Nova call. */
  token: TokenRecord;
  /** Set when no route matched (so Nova's version echo is not added). */
  unrouted: boolean;
}

/**
 * The app's environment. The bindings are the raw Node request/response when the app runs on
 * @hono/node-server; they are absent under `app.request()`, so every use is optional.
 */
export interface CloudEnv {
  Bindings: Partial<HttpBindings>;
  Variables: CloudVariables;
}

/** What the route modules need from the app. */
export interface CloudDeps {
  readonly state: CloudState;
  readonly faults: Faults;
  readonly tracing: CloudTracing;
  /** Nova's newest microversion. */
  readonly maxVersion: ApiVersion;
  /** Fixed public base URL for catalogs and links; default: the request's own origin. */
  readonly publicUrl: string | undefined;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Every route template, for naming requests answered before their handler. */
  readonly routes: RouteTable;
}
