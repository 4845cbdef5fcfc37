/**
 * @module
 * The seeded contents of the mock cloud: one user and project, a handful of servers and
 * volumes, all with fixed ids, so commands, tests and recorded traces can name them.
 *
 * The ids of `vm-1`, its attached volume and the first spare volume, and the project id, are the
 * ones of the captures in `shared/reference/nova-wire.md`, so the captured command lines work
 * unchanged against this cloud.
 */

/** The one set of credentials the mock Keystone accepts. */
const credentials = {
  username: 'demo',
  password: 'secret',
  projectName: 'demo',
  projectId: '5f2b8c0d9e7a4b3c8d1e2f3a4b5c6d7e',
  userId: '9a8b7c6d5e4f40312a1b2c3d4e5f6a7b',
  domain: 'Default',
  domainId: 'default',
} as const;

/**
 * Fixed ids of the seeded servers and volumes.
 *
 * - `vm1` (`vm-1`, ACTIVE) has `volumes.attached` at /dev/vdb: the volume-update happy path.
 * - `vm10` (`vm-10`) exists so that the name filter `vm-1`, a regular expression in Nova,
 *   matches two servers and the client has to filter exactly.
 * - `dupA` and `dupB` are both named `dup`: looking them up by name is ambiguous.
 * - `locked` (`vm-locked`, ACTIVE but locked) refuses a swap with 409 `Instance ... is locked`.
 * - `stopped` (`vm-stopped`, SHUTOFF) refuses a swap with 409 `Cannot 'swap_volume' ...`.
 * - `spare` and `spare2` are available volumes to swap to; `small` is available but smaller
 *   than `attached` (Nova refuses to swap to a smaller volume); `migrating` is attached to
 *   `vm-10` and has a Cinder migration status, so the 2025.2 Cinder-only rule lets it swap.
 */
export const FIXTURES = {
  credentials,
  servers: {
    vm1: { id: '6b3a7f12-4c5d-4e8f-9a01-23456789abcd', name: 'vm-1' },
    vm10: { id: '0c7e9d21-5b3a-4f6e-8d12-3456789abcde', name: 'vm-10' },
    dupA: { id: '1d8f0e32-6c4b-4a7f-9e23-456789abcdef', name: 'dup' },
    dupB: { id: '2e9a1f43-7d5c-4b80-8f34-56789abcdef0', name: 'dup' },
    locked: { id: '3fab2054-8e6d-4c91-9045-6789abcdef01', name: 'vm-locked' },
    stopped: { id: '40bc3165-9f7e-4da2-8156-789abcdef012', name: 'vm-stopped' },
  },
  volumes: {
    /** Attached to vm-1 at /dev/vdb. */
    attached: { id: 'a07f71dc-8151-4e7d-a0cc-cd24a3f11113', name: 'vm-1-data' },
    /** Available, same size as `attached`. */
    spare: { id: '227cc671-f30b-4488-96fd-7d0bf13648d8', name: 'spare-1' },
    /** Available, larger than `attached`. */
    spare2: { id: '33e1d782-0a4c-4b59-8e07-1e2f3a4b5c6d', name: 'spare-2' },
    /** Available but smaller than `attached`. */
    small: { id: '44f2e893-1b5d-4c6a-9f18-2f3a4b5c6d7e', name: 'small-1' },
    /** Attached to vm-10 at /dev/vdb, with Cinder migration status `migrating`. */
    migrating: { id: '5503f9a4-2c6e-4d7b-8a29-3a4b5c6d7e8f', name: 'vm-10-data' },
    /** Attached to vm-locked at /dev/vdb. */
    lockedData: { id: '66140ab5-3d7f-4e8c-9b3a-4b5c6d7e8f90', name: 'vm-locked-data' },
    /** Attached to vm-stopped at /dev/vdb. */
    stoppedData: { id: '77251bc6-4e80-4f9d-8c4b-5c6d7e8f9012', name: 'vm-stopped-data' },
  },
} as const;

/** Power and VM state of a seeded server, as Nova reports them. */
export interface ServerSeed {
  readonly id: string;
  readonly name: string;
  readonly status: 'ACTIVE' | 'SHUTOFF' | 'PAUSED';
  readonly vmState: 'active' | 'stopped' | 'paused';
  readonly locked: boolean;
  readonly lockedReason: string | null;
  readonly created: string;
}

export interface VolumeSeed {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly migrationStatus: string | null;
}

export interface AttachmentSeed {
  readonly serverId: string;
  readonly volumeId: string;
  readonly device: string;
  readonly tag: string | null;
  readonly deleteOnTermination: boolean;
  /** Cinder's attachment id (shown from 2.89). */
  readonly attachmentId: string;
  /** The block device mapping's uuid (shown from 2.89). */
  readonly bdmUuid: string;
}

const S = FIXTURES.servers;
const V = FIXTURES.volumes;

export const SERVER_SEEDS: readonly ServerSeed[] = [
  {
    ...S.vm1,
    status: 'ACTIVE',
    vmState: 'active',
    locked: false,
    lockedReason: null,
    created: '2026-01-05T09:00:00Z',
  },
  {
    ...S.vm10,
    status: 'ACTIVE',
    vmState: 'active',
    locked: false,
    lockedReason: null,
    created: '2026-01-05T09:01:00Z',
  },
  {
    ...S.dupA,
    status: 'ACTIVE',
    vmState: 'active',
    locked: false,
    lockedReason: null,
    created: '2026-01-05T09:02:00Z',
  },
  {
    ...S.dupB,
    status: 'ACTIVE',
    vmState: 'active',
    locked: false,
    lockedReason: null,
    created: '2026-01-05T09:03:00Z',
  },
  {
    ...S.locked,
    status: 'ACTIVE',
    vmState: 'active',
    locked: true,
    lockedReason: 'maintenance',
    created: '2026-01-05T09:04:00Z',
  },
  {
    ...S.stopped,
    status: 'SHUTOFF',
    vmState: 'stopped',
    locked: false,
    lockedReason: null,
    created: '2026-01-05T09:05:00Z',
  },
];

export const VOLUME_SEEDS: readonly VolumeSeed[] = [
  { ...V.attached, size: 10, migrationStatus: null },
  { ...V.spare, size: 10, migrationStatus: null },
  { ...V.spare2, size: 20, migrationStatus: null },
  { ...V.small, size: 1, migrationStatus: null },
  { ...V.migrating, size: 10, migrationStatus: 'migrating' },
  { ...V.lockedData, size: 10, migrationStatus: null },
  { ...V.stoppedData, size: 10, migrationStatus: null },
];

export const ATTACHMENT_SEEDS: readonly AttachmentSeed[] = [
  {
    serverId: S.vm1.id,
    volumeId: V.attached.id,
    device: '/dev/vdb',
    tag: null,
    deleteOnTermination: false,
    attachmentId: 'b1a2c3d4-0001-4e5f-8a6b-7c8d9e0f1a2b',
    bdmUuid: 'c1b2a3d4-0001-4f5e-9b6a-8d7c6e5f4a3b',
  },
  {
    serverId: S.vm10.id,
    volumeId: V.migrating.id,
    device: '/dev/vdb',
    tag: 'data',
    deleteOnTermination: true,
    attachmentId: 'b1a2c3d4-0002-4e5f-8a6b-7c8d9e0f1a2b',
    bdmUuid: 'c1b2a3d4-0002-4f5e-9b6a-8d7c6e5f4a3b',
  },
  {
    serverId: S.locked.id,
    volumeId: V.lockedData.id,
    device: '/dev/vdb',
    tag: null,
    deleteOnTermination: false,
    attachmentId: 'b1a2c3d4-0003-4e5f-8a6b-7c8d9e0f1a2b',
    bdmUuid: 'c1b2a3d4-0003-4f5e-9b6a-8d7c6e5f4a3b',
  },
  {
    serverId: S.stopped.id,
    volumeId: V.stoppedData.id,
    device: '/dev/vdb',
    tag: null,
    deleteOnTermination: false,
    attachmentId: 'b1a2c3d4-0004-4e5f-8a6b-7c8d9e0f1a2b',
    bdmUuid: 'c1b2a3d4-0004-4f5e-9b6a-8d7c6e5f4a3b',
  },
];

/** Fixed ids of the Keystone catalog's services and endpoints (hex, as Keystone makes them). */
export const CATALOG_IDS = {
  identityService: '0f1e2d3c4b5a49687766554433221100',
  computeService: '1f2e3d4c5b6a49788877665544332211',
  endpoints: {
    identity: {
      public: '2a3b4c5d6e7f40819293a4b5c6d7e8f9',
      internal: '3b4c5d6e7f8041929384a5b6c7d8e9f0',
      admin: '4c5d6e7f8091429384b5a6c7d8e9f0a1',
    },
    compute: {
      public: '5d6e7f8091a24394a5b6c7d8e9f0a1b2',
      internal: '6e7f8091a2b34495b6c7d8e9f0a1b2c3',
      admin: '7f8091a2b3c44596c7d8e9f0a1b2c3d4',
    },
  },
  roles: {
    member: '8091a2b3c4d54697d8e9f0a1b2c3d4e5',
    reader: '91a2b3c4d5e64798e9f0a1b2c3d4e5f6',
  },
  region: 'RegionOne',
} as const;
