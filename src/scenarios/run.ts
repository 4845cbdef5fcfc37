/**
 * @module
 * Runs one scenario in-process: a fresh mock cloud (unless one is given), a root span
 * `scenario <name>` around the run, the shell's exit code and stderr collected.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { startCloud, FIXTURES, type KeystoneVersions, type RunningCloud } from '../cloud/index.js';
import { main as novaMain, type ShellOptions } from '../novaclient/shell.js';
import { Client } from '../novaclient/v2/client.js';
import type { HTTPClientOptions } from '../novaclient/client.js';
import { recordError, tracerFor } from '../telemetry/layer-span.js';
import { currentRunScope } from '../telemetry/run-scope.js';
import { scrubSecrets } from '../telemetry/redact.js';
import { ATTR } from '../telemetry/semconv.js';
import { cloudEnv, SCENARIO_LIST, type Scenario, type ScenarioContext } from './catalog.js';
import type { Road, ScenarioResult } from './types.js';

export { SCENARIOS } from './catalog.js';

/** A scenario whose fault has no command on the nova road. */
export class NoNovaRoadError extends Error {
  readonly code = 'NO_NOVA_ROAD';
  constructor(name: string) {
    super(
      `scenario '${name}' has no nova road: its fault exists only at the library level (no nova command reaches it)`
    );
    this.name = 'NoNovaRoadError';
  }
}

/** A scenario name that does not exist. */
export class UnknownScenarioError extends Error {
  readonly code = 'UNKNOWN_SCENARIO';
  constructor(name: string) {
    super(`unknown scenario '${name}'; known: ${SCENARIO_LIST.map((s) => s.name).join(', ')}`);
    this.name = 'UnknownScenarioError';
  }
}

export interface RunScenarioOptions {
  /**
   * Run against this cloud instead of a fresh one: its state is reset to the seed and its faults
   * cleared before the run (and the faults again after it).
   */
  cloud?: RunningCloud;
  /** Span processors for a fresh cloud's SERVER spans (from the telemetry session). */
  cloudSpanProcessors?: SpanProcessor[];
  /** `note` (default): the seed note's HTTPClient road; `nova`: the nova command's session. */
  road?: Road;
  /** Keystone API versions of a fresh cloud (`novatrace run --keystone-versions v3`). */
  keystoneVersions?: KeystoneVersions;
}

/** The `ERROR (Class): message` line the shell prints, for errors raised outside the shell. */
function shellErrorLine(err: unknown): string {
  const name =
    (err as { constructor?: { pythonName?: string } })?.constructor?.pythonName?.split('.').pop() ??
    (err instanceof Error ? err.name : 'Error');
  const message = err instanceof Error ? err.message : String(err);
  return scrubSecrets(`ERROR (${name}): ${message}\n`);
}

/**
 * Runs a scenario and returns its trace id, exit code and stderr.
 * @throws UnknownScenarioError for a name not in {@link SCENARIOS}
 * @example
 * const { traceId, exitCode } = await runScenario('token-expired');
 */
export async function runScenario(
  name: string,
  opts: RunScenarioOptions = {}
): Promise<ScenarioResult> {
  const scenario = SCENARIO_LIST.find((s) => s.name === name);
  if (!scenario) throw new UnknownScenarioError(name);
  const road = opts.road ?? 'note';
  if (road === 'nova' && !scenario.nova) throw new NoNovaRoadError(name);
  const cloud =
    opts.cloud ??
    (await startCloud({
      ...(opts.cloudSpanProcessors ? { spanProcessors: opts.cloudSpanProcessors } : {}),
      ...(opts.keystoneVersions ? { keystoneVersions: opts.keystoneVersions } : {}),
    }));
  // A shared cloud (the viewer's) starts every run as seeded: no swap or fault of an earlier
  // run may decide this one's branch.
  if (opts.cloud) {
    cloud.state.reset();
    cloud.faults.clear();
  }
  // A scenario may switch Keystone (v3 only) for its run; the cloud gets its own setting back.
  const keystoneVersions = cloud.keystone.versions;
  try {
    return await runIn(scenario, cloud, road);
  } finally {
    cloud.keystone.versions = keystoneVersions;
    if (opts.cloud) cloud.faults.clear();
    else await cloud.close();
  }
}

function runIn(scenario: Scenario, cloud: RunningCloud, road: Road): Promise<ScenarioResult> {
  return tracerFor('cli').startActiveSpan(
    `scenario ${scenario.name}`,
    { attributes: { [ATTR.scenario]: scenario.name, 'novatrace.road': road } },
    async (root) => {
      // A viewer's step mode pauses this span with the layers (paused time is not run time).
      currentRunScope()?.root?.(root);
      let exitCode = 0;
      let stderr = '';
      const stderrSink = { write: (text: string) => ((stderr += text), true) };
      const stdoutSink = { write: () => true };
      const env = cloudEnv(cloud);
      // Clients a scenario builds hold pooled sockets: closed when the run ends.
      const clients: Client[] = [];
      const ctx: ScenarioContext = {
        cloud,
        road,
        env,
        async shell(argv, options = {}) {
          const shellOpts: ShellOptions = { road, ...options.shell };
          exitCode = await novaMain(
            argv,
            { ...env, ...options.env },
            { stdout: stdoutSink, stderr: stderrSink },
            shellOpts
          );
          return exitCode;
        },
        client(options: Partial<HTTPClientOptions> = {}) {
          const c = FIXTURES.credentials;
          const cs = new Client({
            user: c.username,
            password: c.password,
            projectid: c.projectName,
            auth_url: cloud.authUrlV3,
            user_domain_name: c.domain,
            project_domain_name: c.domain,
            ...options,
          });
          clients.push(cs);
          return cs;
        },
        async expectError(fn) {
          try {
            await fn();
          } catch (err) {
            exitCode = 1;
            stderr += shellErrorLine(err);
            return;
          }
          throw new Error(`scenario ${scenario.name}: the expected error did not happen`);
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      };
      try {
        if (road === 'nova' && scenario.runNova) await scenario.runNova(ctx);
        else await scenario.run(ctx);
        if (exitCode !== 0) root.setStatus({ code: SpanStatusCode.ERROR, message: stderr.trim() });
      } catch (err) {
        recordError(root, err);
        exitCode = 1;
        stderr += shellErrorLine(err);
      } finally {
        await Promise.all(clients.map((cs) => cs.client.close()));
        root.setAttribute('novatrace.exit_code', exitCode);
        root.end();
      }
      return {
        scenario: scenario.name,
        road,
        traceId: root.spanContext().traceId,
        exitCode,
        stderr,
      };
    }
  );
}
