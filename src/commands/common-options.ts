/**
 * @module
 * The options `run` and `volume-update` share: where the trace goes. One table, so both
 * commands accept and document the same flags.
 */
import type { TelemetryOptions } from '../telemetry/session.js';
import { httpUrl, text, valueOption, type OptionTable, type OptionValues } from './options.js';

/** Trace output options of `run` and `volume-update`. */
export const TELEMETRY_OPTIONS = {
  traceFile: valueOption('--trace-file', 'FILE', "write the run's trace here as OTLP/JSON", {
    default: undefined as string | undefined,
    defaultText: 'not written',
    parse: text,
  }),
  jaegerFile: valueOption('--jaeger-file', 'FILE', "write the run's trace here as Jaeger UI JSON", {
    default: undefined as string | undefined,
    defaultText: 'not written',
    parse: text,
  }),
  viewerUrl: valueOption(
    '--viewer',
    'URL',
    'also send the spans live to a running novatrace viewer (novatrace serve)',
    { default: undefined as string | undefined, defaultText: 'not sent', parse: httpUrl }
  ),
} satisfies OptionTable;

/** The telemetry session options the parsed flags ask for. */
export function telemetryOptions(values: OptionValues<typeof TELEMETRY_OPTIONS>): TelemetryOptions {
  const out: TelemetryOptions = {};
  if (values.traceFile !== undefined) out.traceFile = values.traceFile;
  if (values.jaegerFile !== undefined) out.jaegerFile = values.jaegerFile;
  if (values.viewerUrl !== undefined) out.viewerUrl = values.viewerUrl;
  return out;
}

/** What the telemetry section of `--help` says below the options. */
export const TELEMETRY_EPILOG = `environment:
  OTEL_EXPORTER_OTLP_ENDPOINT   also export the spans over OTLP (e.g. to Jaeger)
  OTEL_EXPORTER_OTLP_PROTOCOL   http/protobuf (default) or http/json
  OTEL_SERVICE_NAME             service.name of the client's spans (default: novaclient)
  OTEL_TRACES_EXPORTER          none turns the OTLP export off; console prints spans
  NO_COLOR                      plain tree, no colours`;
