import { describe, expect, it } from 'vitest';
import { AmbiguousEndpoints, EndpointNotFound } from '../../../src/novaclient/exceptions.js';
import { ServiceCatalog } from '../../../src/novaclient/service_catalog.js';

const V2 = {
  access: {
    token: { id: 'tok-v2', tenant: { id: 'tenant-1', name: 'demo' } },
    serviceCatalog: [
      {
        type: 'identity',
        name: 'keystone',
        endpoints: [{ region: 'RegionOne', publicURL: 'http://k/v2.0' }],
      },
      {
        type: 'compute',
        name: 'nova',
        endpoints: [
          {
            region: 'RegionOne',
            publicURL: 'http://n/v2.1/tenant-1',
            internalURL: 'http://i/v2.1/tenant-1',
          },
          { region: 'RegionTwo', publicURL: 'http://n2/v2.1/tenant-1' },
        ],
      },
    ],
  },
};

const V3 = {
  token: {
    project: { id: 'proj-1', name: 'demo' },
    catalog: [
      {
        type: 'compute',
        name: 'nova',
        endpoints: [
          {
            interface: 'public',
            region: 'RegionOne',
            region_id: 'RegionOne',
            url: 'http://n/v2.1',
          },
          {
            interface: 'internal',
            region: 'RegionOne',
            region_id: 'RegionOne',
            url: 'http://i/v2.1',
          },
        ],
      },
    ],
  },
};

describe('ServiceCatalog.url_for', () => {
  // upstream: novaclient/tests/unit/test_service_catalog.py
  it('picks the v2.0 endpoint of the region and endpoint type', () => {
    const sc = new ServiceCatalog(V2);
    expect(sc.get_token()).toBe('tok-v2');
    expect(sc.get_tenant_id()).toBe('tenant-1');
    expect(sc.url_for({ attr: 'region', filter_value: 'regionone', service_type: 'compute' })).toBe(
      'http://n/v2.1/tenant-1'
    );
    expect(
      sc.url_for({
        attr: 'region',
        filter_value: 'RegionOne',
        service_type: 'compute',
        endpoint_type: 'internalURL',
      })
    ).toBe('http://i/v2.1/tenant-1');
  });

  it('raises AmbiguousEndpoints without a region and EndpointNotFound for an unknown one', () => {
    const sc = new ServiceCatalog(V2);
    expect(() => sc.url_for({ attr: 'region', service_type: 'compute' })).toThrow(
      AmbiguousEndpoints
    );
    expect(() =>
      sc.url_for({ attr: 'region', filter_value: 'Mars', service_type: 'compute' })
    ).toThrow(EndpointNotFound);
  });

  it('reads a v3 token: X-Subject-Token, project id, interface endpoints (ours)', () => {
    const sc = new ServiceCatalog(V3, 'tok-v3');
    expect(sc.get_token()).toBe('tok-v3');
    expect(sc.get_tenant_id()).toBe('proj-1');
    expect(sc.url_for({ attr: 'region', service_type: 'compute' })).toBe('http://n/v2.1');
    expect(
      sc.url_for({ attr: 'region', service_type: 'compute', endpoint_type: 'internalURL' })
    ).toBe('http://i/v2.1');
    expect(() =>
      sc.url_for({ attr: 'region', filter_value: 'Mars', service_type: 'compute' })
    ).toThrow(EndpointNotFound);
  });
});
