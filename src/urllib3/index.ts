/**
 * @module
 * urllib3's public surface (what requests and tests use).
 * @see urllib3/__init__.py (urllib3 1.13.1)
 */
export { PoolManager, ProxyManager, proxy_from_url } from './poolmanager.js';
export { HTTPConnectionPool, HTTPSConnectionPool, ConnectionPool } from './connectionpool.js';
export type { HTTPConnectionPoolOptions, UrlopenOptions } from './connectionpool.js';
export {
  HTTPConnection,
  HTTPSConnection,
  HTTPLibResponse,
  translate_undici_error,
  with_resend_count,
  current_resend_count,
} from './connection.js';
export { HTTPResponse } from './response.js';
export { Retry } from './util/retry.js';
export { Timeout, DEFAULT_TIMEOUT } from './util/timeout.js';
export { parse_url, Url } from './util/url.js';
export { LifoQueue, Empty, Full } from './util/queue.js';
export { RecentlyUsedContainer, HTTPHeaderDict } from './_collections.js';
export {
  HTTPError,
  PoolError,
  RequestError,
  SSLError,
  ProxyError,
  DecodeError,
  ProtocolError,
  ConnectionError,
  MaxRetryError,
  HostChangedError,
  TimeoutStateError,
  TimeoutError,
  ReadTimeoutError,
  ConnectTimeoutError,
  NewConnectionError,
  EmptyPoolError,
  ClosedPoolError,
  LocationValueError,
  LocationParseError,
  ResponseError,
  ProxySchemeUnknown,
  ResponseNotChunked,
  HeaderParsingError,
} from './exceptions.js';
