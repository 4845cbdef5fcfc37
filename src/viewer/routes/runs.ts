/**
 * @module
 * The scenario list, in-process runs with step mode (start, next, continue, abort, stops) and
 * the Python original a layer ports (`/api/python`).
 */
import type { Hono } from 'hono';
import {
  locatePython,
  pythonRoots,
  SEED_PYTHON_VERSIONS,
  type PythonProject,
} from '../python-source.js';
import type { ScenarioRunner } from '../runs.js';
import { sameOriginJson } from '../security.js';
import type { ScenarioLine } from '../types.js';
import {
  isRecord,
  MAX_OWNERS,
  OWNER_HEADER,
  OWNER_TOKEN,
  readJson,
  trimOldest,
  type ViewerParts,
} from './shared.js';

export interface RunRouteOptions {
  /** Without it, starting a run answers 503. */
  readonly runScenario?: ScenarioRunner;
  /** `--python-src DIR`, searched first for the Python a layer ports. */
  readonly pythonSrc?: string;
  /** The Python search roots in order (tests; default from {@link pythonRoots}). */
  readonly pythonRoots?: readonly string[];
}

/** What the scenario list says of a nova road: only the fields that say something. */
function novaLine(nova: NonNullable<ScenarioLine['nova']>): NonNullable<ScenarioLine['nova']> {
  return {
    ...(nova.note ? { note: nova.note } : {}),
    ...(nova.noteJa ? { noteJa: nova.noteJa } : {}),
    ...(nova.faultNotOnThisRoad ? { faultNotOnThisRoad: true } : {}),
  };
}

export function runRoutes(
  app: Hono,
  { runs, scenarios, owners }: ViewerParts,
  opts: RunRouteOptions
): void {
  app.get('/api/scenarios', (c) =>
    c.json(
      scenarios().map(({ name, summary, summaryJa, nova }) => ({
        name,
        summary,
        ...(summaryJa ? { summaryJa } : {}),
        ...(nova === undefined ? {} : { nova: nova && novaLine(nova) }),
      }))
    )
  );
  app.get('/api/runs', (c) => c.json(runs.list()));
  app.get('/api/runs/:id', (c) => {
    const run = runs.get(c.req.param('id'));
    return run ? c.json(run) : c.json({ error: 'no such run' }, 404);
  });
  let roots: readonly string[] | undefined = opts.pythonRoots;
  app.get('/api/python', (c) => {
    const project = c.req.query('project') ?? '';
    const file = c.req.query('file') ?? '';
    const name = c.req.query('name') ?? '';
    if (!(project in SEED_PYTHON_VERSIONS) || !/^[\w/]+\.py$/.test(file) || file.includes('..')) {
      return c.json(
        { error: 'expected ?project=novaclient|requests|urllib3|keystoneauth1&file=x/y.py&name=' },
        400
      );
    }
    if (!/^[\w.]{1,120}$/.test(name)) return c.json({ error: 'bad name' }, 400);
    roots ??= pythonRoots(opts.pythonSrc ? { pythonSrc: opts.pythonSrc } : {});
    return c.json(locatePython(project as PythonProject, file, name, roots));
  });
  app.get('/api/runs/:id/stops', (c) => {
    const id = c.req.param('id');
    return runs.get(id) ? c.json(runs.stops(id)) : c.json({ error: 'no such run' }, 404);
  });
  app.post('/api/runs', sameOriginJson(), async (c) => {
    const body = await readJson(c, 64 * 1024);
    if (!isRecord(body) || typeof body.scenario !== 'string') {
      return c.json({ error: 'expected {"scenario": "<name>", "step": true|false}' }, 400);
    }
    if (body.step !== undefined && typeof body.step !== 'boolean') {
      return c.json({ error: '"step" must be true or false' }, 400);
    }
    if (body.stops !== undefined && body.stops !== 'layers' && body.stops !== 'decisions') {
      return c.json({ error: '"stops" must be "layers" or "decisions"' }, 400);
    }
    if (body.road !== undefined && body.road !== 'note' && body.road !== 'nova') {
      return c.json({ error: '"road" must be "note" or "nova"' }, 400);
    }
    const road = body.road ?? 'note';
    if (road === 'nova' && scenarios().find((s) => s.name === body.scenario)?.nova === null) {
      return c.json(
        {
          error: `scenario '${body.scenario.slice(0, 80)}' has no nova road: its fault exists only at the library level`,
        },
        400
      );
    }
    if (!opts.runScenario) return c.json({ error: 'in-process runs are not available here' }, 503);
    const owner = c.req.header(OWNER_HEADER);
    if (owner !== undefined && !OWNER_TOKEN.test(owner)) {
      return c.json({ error: `${OWNER_HEADER} must be 16 to 64 letters, digits, - or _` }, 400);
    }
    const started = await runs.start(
      body.scenario,
      body.step === true,
      body.stops ?? 'layers',
      road
    );
    if (owner) {
      owners.set(started.runId, owner);
      // Bounded: forget the oldest runs' owners (those runs are long finished).
      trimOldest(owners, MAX_OWNERS);
    }
    return c.json(started, 202);
  });
  for (const action of ['next', 'continue', 'abort'] as const) {
    app.post(`/api/runs/:id/${action}`, sameOriginJson(), (c) => {
      const id = c.req.param('id');
      // A run started by a page belongs to it: other pages watch it read-only.
      const owner = owners.get(id);
      if (owner !== undefined && c.req.header(OWNER_HEADER) !== owner) {
        return c.json(
          { error: 'this run belongs to the page that started it; other pages watch it read-only' },
          403
        );
      }
      const state =
        action === 'next'
          ? runs.next(id)
          : action === 'continue'
            ? runs.resume(id)
            : runs.abort(id);
      return c.json(state);
    });
  }
}
