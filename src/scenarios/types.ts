/**
 * @module
 * Public types of the scenarios: what-if runs that drive the real ported code down one branch
 * of the seed's source each.
 */

/** One line about a scenario, for `novatrace scenarios` and the viewer's picker. */
export interface ScenarioInfo {
  readonly name: string;
  /** One line: what happens and which branch it takes. */
  readonly summary: string;
  /** The same line in Japanese (the viewer shows it when the page is in Japanese). */
  readonly summaryJa: string;
  /** The exit code the CLI run ends with (0, or 1 for the error scenarios). */
  readonly expectedExit: 0 | 1;
  /**
   * The nova road (3.3.0's `nova` command, keystoneauth1 session): its expected exit, or null
   * when the scenario's fault only exists at the library level (no command to run).
   */
  readonly nova: {
    readonly expectedExit: 0 | 1;
    /** What differs on the nova road ('' when nothing does), in English and Japanese. */
    readonly note: string;
    readonly noteJa?: string;
    /** The nova command runs, but never meets the fault the scenario is about. */
    readonly faultNotOnThisRoad?: boolean;
  } | null;
}

/** Which road a run takes: the note's `HTTPClient` or the `nova` command's session. */
export type Road = 'note' | 'nova';

/** What a finished scenario run reports. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly road: Road;
  readonly traceId: string;
  /** The exit code of the (last) CLI run, as the shell returns it. */
  readonly exitCode: number;
  /** What the shell printed on stderr (the `ERROR (...)` lines). */
  readonly stderr: string;
}
