/**
 * @module
 * Attribute names used by novatrace: the stable OpenTelemetry ones we rely on, as local
 * constants (like contrib's `semconv.ts`), and our own under the `novatrace.` prefix.
 */
export const ATTR = {
  // code.* (stable): the TypeScript that runs.
  codeFunctionName: 'code.function.name',
  codeFilePath: 'code.file.path',
  codeLineNumber: 'code.line.number',
  // HTTP client/server (stable).
  httpRequestMethod: 'http.request.method',
  httpResponseStatusCode: 'http.response.status_code',
  httpRequestResendCount: 'http.request.resend_count',
  httpRoute: 'http.route',
  urlFull: 'url.full',
  urlPath: 'url.path',
  urlQuery: 'url.query',
  urlScheme: 'url.scheme',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  networkProtocolVersion: 'network.protocol.version',
  networkPeerAddress: 'network.peer.address',
  networkPeerPort: 'network.peer.port',
  userAgentOriginal: 'user_agent.original',
  // HTTP (opt-in, development): body sizes in bytes as sent / received.
  httpRequestBodySize: 'http.request.body.size',
  httpResponseBodySize: 'http.response.body.size',
  errorType: 'error.type',
  // Ours: what the TypeScript mirrors, and the decision key of an event.
  layer: 'novatrace.layer',
  /** The LAYERS key of a span whose name (a Python qualname) two upstream classes share. */
  layerKey: 'novatrace.layer_key',
  upstreamFile: 'novatrace.upstream.file',
  upstreamVersion: 'novatrace.upstream.version',
  addition: 'novatrace.addition',
  event: 'novatrace.event',
  scenario: 'novatrace.scenario',
} as const;
