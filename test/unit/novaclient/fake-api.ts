/**
 * A fake `cs.client` for manager tests: answers GET /servers/<id> and GET /servers?name=<re>
 * from an in-memory list (Nova matches `name` as a regex), PUT with a configurable answer, and
 * records every call.
 */
import type {
  ApiHttpClient,
  ManagerRequestKwargs,
  ResponseLike,
} from '../../../src/novaclient/base.js';
import { NotFound } from '../../../src/novaclient/exceptions.js';

export interface FakeServer {
  id: string;
  name: string;
}

export function fakeResponse(status: number, headers: Record<string, string> = {}): ResponseLike {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status_code: status, headers: { get: (name: string) => lower.get(name.toLowerCase()) } };
}

export class FakeApiClient implements ApiHttpClient {
  readonly calls: string[] = [];
  putAnswer: [ResponseLike, unknown] = [
    fakeResponse(202, { 'x-openstack-request-id': 'req-put' }),
    null,
  ];
  lastPutBody: unknown = undefined;
  #n = 0;

  readonly servers: FakeServer[];

  constructor(servers: FakeServer[]) {
    this.servers = servers;
  }

  async get(url: string): Promise<[ResponseLike, unknown]> {
    this.calls.push(`GET ${url}`);
    const rid = fakeResponse(200, { 'x-compute-request-id': `req-${++this.#n}` });
    const list = /^\/servers(\/detail)?(?:\?(.*))?$/.exec(url);
    if (list) {
      const name = new URLSearchParams(list[2] ?? '').get('name');
      const re = new RegExp(name ?? '');
      const hits = this.servers.filter((s) => re.test(s.name));
      return [rid, { servers: hits.map((s) => ({ id: s.id, name: s.name, links: [] })) }];
    }
    const one = /^\/servers\/([^/?]+)$/.exec(url);
    const server = one && this.servers.find((s) => s.id === one[1]);
    if (!server) throw new NotFound(404, { message: `Instance ${one?.[1]} could not be found.` });
    return [rid, { server: { ...server, status: 'ACTIVE' } }];
  }

  async post(url: string): Promise<[ResponseLike, unknown]> {
    this.calls.push(`POST ${url}`);
    return [fakeResponse(200), {}];
  }

  async put(url: string, kwargs: ManagerRequestKwargs = {}): Promise<[ResponseLike, unknown]> {
    this.calls.push(`PUT ${url}`);
    this.lastPutBody = kwargs.body;
    return this.putAnswer;
  }
}
