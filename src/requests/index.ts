/**
 * @module
 * requests' public surface, as novaclient (and tests) use it. Other areas import from here.
 * @see requests/__init__.py (requests 2.9.1)
 */
export { request } from './api.js';
export {
  Session,
  session,
  merge_setting,
  merge_hooks,
  DEFAULT_REDIRECT_LIMIT,
} from './sessions.js';
export type { RequestKwargs, SendKwargs } from './sessions.js';
export {
  HTTPAdapter,
  BaseAdapter,
  DEFAULT_POOLSIZE,
  DEFAULT_RETRIES,
  DEFAULT_POOLBLOCK,
} from './adapters.js';
export type { HTTPAdapterOptions, AdapterSendKwargs, TimeoutArg } from './adapters.js';
export { Request, PreparedRequest, Response, codes, REDIRECT_STATI } from './models.js';
export type { RequestData, Params, Auth, HeadersArg, BodyStream } from './models.js';
export { CaseInsensitiveDict } from './structures.js';
export { RequestsCookieJar } from './cookies.js';
export { HTTPBasicAuth, AuthBase } from './auth.js';
export {
  RequestException,
  HTTPError,
  ConnectionError,
  ProxyError,
  SSLError,
  Timeout,
  ConnectTimeout,
  ReadTimeout,
  URLRequired,
  TooManyRedirects,
  MissingSchema,
  InvalidSchema,
  InvalidURL,
  ChunkedEncodingError,
  ContentDecodingError,
  StreamConsumedError,
  RetryError,
} from './exceptions.js';
export { __version__ } from './utils.js';
/** Ours: carry `http.request.resend_count` to the wire span (e.g. novaclient's 401 retry). */
export { with_resend_count, current_resend_count } from '../urllib3/connection.js';
