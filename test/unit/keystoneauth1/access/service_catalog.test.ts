import { describe, expect, it } from 'vitest';
import {
  ServiceCatalogV2,
  ServiceCatalogV3,
} from '../../../../src/keystoneauth1/access/service_catalog.js';
import { EmptyCatalog, EndpointNotFound } from '../../../../src/keystoneauth1/exceptions.js';

const V3 = {
  token: {
    catalog: [
      {
        type: 'compute',
        name: 'nova',
        endpoints: [
          { interface: 'internal', url: 'http://internal/v2.1', region_id: 'RegionOne' },
          { interface: 'public', url: 'http://public/v2.1', region_id: 'RegionOne' },
        ],
      },
    ],
  },
};

describe('ServiceCatalog.url_for', () => {
  it("takes novaclient's publicURL as v3's public interface", async () => {
    const sc = ServiceCatalogV3.from_token(V3);
    expect(await sc.url_for({ service_type: 'compute', interface: 'publicURL' })).toBe(
      'http://public/v2.1'
    );
  });

  it('reads the v2.0 catalog by interface key', async () => {
    const sc = ServiceCatalogV2.from_token({
      access: {
        serviceCatalog: [{ type: 'compute', endpoints: [{ publicURL: 'http://p/v2.1/t' }] }],
      },
    });
    expect(await sc.url_for({ service_type: 'compute', interface: 'public' })).toBe(
      'http://p/v2.1/t'
    );
  });

  it('raises EndpointNotFound naming what was asked for, EmptyCatalog for no catalog', async () => {
    const sc = ServiceCatalogV3.from_token(V3);
    await expect(sc.url_for({ service_type: 'volume', interface: 'public' })).rejects.toThrow(
      new EndpointNotFound('public endpoint for volume service not found')
    );
    await expect(
      ServiceCatalogV3.from_token({ token: {} }).url_for({ service_type: 'compute' })
    ).rejects.toBeInstanceOf(EmptyCatalog);
  });
});
