/**
 * @module
 * Ctrl-C and `kill` during a traced command: the command stops waiting for the call, ends the
 * open spans as interrupted, writes the trace files it was asked for and exits 128 + the
 * signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal
 * killed. A second signal while the files are written exits at once.
 */
import type { TelemetrySession } from '../telemetry/session.js';

/** The signals a traced command turns into a clean stop. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit status a shell shows for a process ended by `signal`. */
export function signalExitCode(signal: StopSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** What {@link watchStopSignals} hands back. */
export interface StopWatch {
  /** Resolves with the first stop signal; never rejects. */
  readonly signal: Promise<StopSignal>;
  /** Removes the handlers (the signals' default action applies again). */
  dispose(): void;
}

/**
 * Catches SIGINT and SIGTERM from now on. The first one resolves {@link StopWatch.signal}; a
 * second one exits the process at once with its code.
 * @example
 * const stop = watchStopSignals();
 * const first = await Promise.race([work, stop.signal]);
 */
export function watchStopSignals(
  exit: (code: number) => void = (code) => process.exit(code)
): StopWatch {
  let resolveSignal: (signal: StopSignal) => void = () => undefined;
  const signal = new Promise<StopSignal>((resolve) => {
    resolveSignal = resolve;
  });
  let seen = false;
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      if (seen) {
        exit(signalExitCode(name));
        return;
      }
      seen = true;
      resolveSignal(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** How a traced command ended: by itself, or stopped by a signal. */
export type TracedOutcome =
  | { readonly code: number; readonly unwritten: readonly string[] }
  | {
      readonly signal: StopSignal;
      readonly unwritten: readonly string[];
      /** Exits the process with the signal's code (the stopped call may still hold sockets). */
      finish(): number;
    };

/**
 * Runs a command's work inside its telemetry session, until it ends or a stop signal comes;
 * after a signal the open spans are ended as interrupted. Either way the session is shut down
 * (the trace files written) before this returns.
 * @param exit how to leave the process after a signal (tests pass their own)
 */
export async function runTraced(
  session: TelemetrySession,
  work: () => Promise<number>,
  exit: (code: number) => void = (code) => process.exit(code)
): Promise<TracedOutcome> {
  const stop = watchStopSignals(exit);
  try {
    let first: { code: number } | { signal: StopSignal };
    try {
      const running = work();
      running.catch(() => undefined);
      first = await Promise.race([
        running.then((code) => ({ code })),
        stop.signal.then((signal) => ({ signal })),
      ]);
    } catch (err) {
      await session.shutdown();
      throw err;
    }
    if ('code' in first) {
      const report = await session.shutdown();
      return { code: first.code, unwritten: report.unwritten };
    }
    const { signal } = first;
    session.interrupt(signal);
    const report = await session.shutdown();
    const code = signalExitCode(signal);
    return {
      signal,
      unwritten: report.unwritten,
      finish: () => {
        exit(code);
        return code;
      },
    };
  } finally {
    stop.dispose();
  }
}
