import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../../src/cloud/http-util.js';

describe('RouteTable', () => {
  it('finds the template of a path, project id form and trailing slash included', () => {
    const routes = new RouteTable();
    routes.add('/v2.1');
    routes.add('/v2.1/servers/detail');
    routes.add('/v2.1/servers/{server_id}');
    routes.add('/v2.1/{project_id}/servers/{server_id}');
    expect(routes.match('/v2.1/')).toBe('/v2.1');
    expect(routes.match('/v2.1/servers/detail')).toBe('/v2.1/servers/detail');
    expect(routes.match('/v2.1/servers/abc')).toBe('/v2.1/servers/{server_id}');
    expect(routes.match(`/v2.1/${'a'.repeat(32)}/servers/abc`)).toBe(
      '/v2.1/{project_id}/servers/{server_id}'
    );
    expect(routes.match('/v2.1/servers/abc/extra')).toBeUndefined();
    expect(routes.match('/v2x1')).toBeUndefined();
  });
});
