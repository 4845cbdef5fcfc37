/**
 * @module
 * The what-if scenarios: each drives the real ported code down one branch of the seed's source.
 */
export { SCENARIOS, runScenario, UnknownScenarioError } from './run.js';
export type { RunScenarioOptions } from './run.js';
export type { ScenarioInfo, ScenarioResult } from './types.js';
