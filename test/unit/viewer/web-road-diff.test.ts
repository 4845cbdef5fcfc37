// The narrated difference between one scenario's two roads, computed from the recorded traces
// (traces/<scenario>.json on the note's road, traces/<scenario>.nova.json on the session road)
// and from hand-built ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../../src/telemetry/trace-file.js';
import { buildTree, type TraceTree } from '../../../web/model.js';
import { roadFacts, roadOf, roadStory, scenarioOf } from '../../../web/road-diff.js';
import { span, traceId } from './spans.js';

const TRACES = join(import.meta.dirname, '..', '..', '..', 'traces');
const recorded = (file: string): TraceTree =>
  buildTree(readTraceFile(readFileSync(join(TRACES, file), 'utf8')));
const story = (name: string) =>
  roadStory(roadFacts(recorded(`${name}.json`)), roadFacts(recorded(`${name}.nova.json`)));

describe('roadFacts', () => {
  it('reads the road, the scenario and the counts of a recorded trace', () => {
    const note = recorded('happy.json');
    const nova = recorded('happy.nova.json');
    expect([roadOf(note), roadOf(nova)]).toEqual(['note', 'nova']);
    expect([scenarioOf(note), scenarioOf(nova)]).toEqual(['happy', 'happy']);
    const a = roadFacts(note);
    const b = roadFacts(nova);
    expect([a.counts.httpRequests, a.counts.connectionsOpened]).toEqual([3, 3]);
    expect([b.counts.httpRequests, b.counts.connectionsOpened]).toEqual([5, 1]);
    expect(a.identityDiscovery).toEqual([]);
    expect(b.identityDiscovery).toEqual(['/identity/v3']);
    expect(b.computeDiscovery).toEqual(['/v2.1']);
    expect([a.errorClass, b.errorClass]).toEqual([undefined, undefined]);
  });
});

describe('roadStory', () => {
  it('tells happy: 3 connections against 1, 3 requests against 5, the discovery first', () => {
    const lines = story('happy');
    expect(lines.map((l) => l.en)).toEqual([
      "The note's client opens 3 connections, the session 1.",
      "The note's road sends 3 requests, the nova road 5.",
      "The session discovers the Keystone version first (GET /identity/v3), and the compute microversion before the real work (GET /v2.1); the note's road asks for neither.",
      'Both roads authenticate once.',
    ]);
    expect(lines[0]?.ja).toBe('ノートのクライアントは接続を 3 本開き、セッションは 1 本です。');
    for (const l of lines) expect(l.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('tells warm-pool: two cold nova processes, 10 requests on 2 connections', () => {
    const en = story('warm-pool').map((l) => l.en);
    expect(en).toContain("The note's road sends 5 requests, the nova road 10.");
    expect(en).toContain("The note's client opens 1 connection, the session 2.");
    expect(en.some((l) => l.startsWith('The nova road runs the command 2 times'))).toBe(true);
  });

  it('tells where each road handles a 401, and a different error class', () => {
    const expired = story('token-expired').map((l) => l.en);
    expect(expired.find((l) => l.startsWith('After a 401'))).toMatch(
      /HTTPClient\._cs_request \(1×\).*Session\.request \(1×\)/
    );
    expect(story('redirect').map((l) => l.en)).toContain(
      "The note's road meets a 401 and signs in again in HTTPClient._cs_request (1×); the nova road meets none."
    );
    const timeout = story('read-timeout').map((l) => l.en);
    expect(timeout).toContain(
      "The note's road ends in ERROR (ReadTimeout), the nova road in ERROR (ConnectTimeout)."
    );
  });

  it('says when both roads do the same, from hand-built traces', () => {
    const build = (road: string) => {
      const t = traceId();
      return roadFacts(
        buildTree([
          span(t, {
            id: 'r',
            name: 'scenario x',
            start: 0,
            end: 10,
            attributes: { 'novatrace.road': road, 'novatrace.scenario': 'x' },
          }),
          span(t, {
            id: 'w',
            parent: 'r',
            name: 'GET',
            kind: 'client',
            start: 1,
            end: 2,
            attributes: { 'http.request.method': 'GET', 'url.full': 'http://h:1/v2.1/servers' },
          }),
        ])
      );
    };
    const en = roadStory(build('note'), build('nova')).map((l) => l.en);
    expect(en[1]).toBe('Both roads send 1 request.');
    expect(en.some((l) => l.includes('discovers'))).toBe(false);
    expect(en.some((l) => l.includes('ends in'))).toBe(false);
  });
});
