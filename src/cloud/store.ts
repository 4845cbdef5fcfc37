/**
 * @module
 * The mock cloud's state, in memory: servers, volumes, volume attachments (Nova's block device
 * mappings) and the tokens Keystone issued. Seeded from {@link FIXTURES}; `reset()` goes back
 * to the seed. Every change is applied in one synchronous step, after all checks have passed,
 * so a failing request never leaves half an update behind.
 *
 * Deviation from Nova, on purpose: Nova hands the `?name=` filter to the database as a
 * regular expression, and the database bounds the work. Here it runs in JavaScript's
 * backtracking engine on the one thread that serves every request, so a pattern like 26 `.*`
 * then `!` would block the whole cloud for seconds. Patterns longer than a server name may be
 * ({@link MAX_NAME_PATTERN_LENGTH}), with more than {@link MAX_NAME_QUANTIFIERS} quantifiers,
 * or with a quantified group that itself holds a quantifier or an alternative (`(a+)+`,
 * `(a|a)*`) are refused with a 400 `Invalid regular expression: ...` in Nova's badRequest shape.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CloudHttpError } from './nova-errors.js';
import {
  ATTACHMENT_SEEDS,
  FIXTURES,
  SERVER_SEEDS,
  VOLUME_SEEDS,
  type ServerSeed,
} from './fixtures.js';

export interface ServerRecord {
  id: string;
  name: string;
  status: ServerSeed['status'];
  vmState: ServerSeed['vmState'];
  locked: boolean;
  lockedReason: string | null;
  projectId: string;
  userId: string;
  created: string;
  updated: string;
}

export interface VolumeRecord {
  id: string;
  name: string;
  size: number;
  /** `available` or `in-use`, derived from the attachments. */
  status: 'available' | 'in-use';
  /** Cinder's migration status; the 2025.2 Cinder-only swap rule needs a non-empty one. */
  migrationStatus: string | null;
}

/** One volume attached to one server: Nova's block device mapping. */
export interface AttachmentRecord {
  serverId: string;
  volumeId: string;
  device: string;
  tag: string | null;
  deleteOnTermination: boolean;
  attachmentId: string;
  bdmUuid: string;
}

export interface TokenRecord {
  /** The token itself. A secret: never put it into spans or logs. */
  readonly id: string;
  readonly userId: string;
  readonly projectId: string | null;
  readonly methods: readonly string[];
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly auditId: string;
  /**
   * Keystone's `audit_ids`: this token's own audit id, then, for a token made from another
   * token (a re-scope), the audit id of the chain's first token, as Keystone chains them.
   */
  readonly auditIds: readonly string[];
  /** Set when a fault or a revocation made the token invalid. */
  revoked: boolean;
}

/** What a swap changes, for the caller's span attributes and tests. */
export interface SwapResult {
  readonly before: AttachmentRecord;
  readonly after: AttachmentRecord;
}

/** A JSON-friendly copy of the whole state (servers, volumes, attachments; tokens left out). */
export interface CloudSnapshot {
  servers: ServerRecord[];
  volumes: VolumeRecord[];
  attachments: AttachmentRecord[];
}

/** Lifetime of an issued token. */
const TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Tokens Keystone issued. Lookups never reveal which part of a bad token was wrong.
 */
export class TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();

  /**
   * Issues a new random token (Fernet-like text) for a user, scoped to a project or not.
   * `from` is the token it was made from (token method): its audit id is chained, its expiry
   * kept, as Keystone does.
   */
  issue(
    userId: string,
    projectId: string | null,
    methods: readonly string[],
    from?: TokenRecord
  ): TokenRecord {
    const id = 'gAAAAAB' + randomBytes(96).toString('base64url');
    const issuedAt = new Date();
    const auditId = randomBytes(16).toString('base64url').slice(0, 22);
    const token: TokenRecord = {
      id,
      userId,
      projectId,
      methods: [...methods],
      issuedAt,
      expiresAt: from ? from.expiresAt : new Date(issuedAt.getTime() + TOKEN_TTL_MS),
      auditId,
      auditIds: from ? [auditId, from.auditIds[from.auditIds.length - 1]!] : [auditId],
      revoked: false,
    };
    this.#tokens.set(id, token);
    return token;
  }

  /** The token record when `id` is a known, unrevoked, unexpired token; else undefined. */
  validate(id: string | null | undefined, now: Date = new Date()): TokenRecord | undefined {
    if (!id) return undefined;
    const token = this.#tokens.get(id);
    if (!token || token.revoked || token.expiresAt.getTime() <= now.getTime()) return undefined;
    return token;
  }

  /** Makes a token invalid from now on (what an expiry looks like to a client). */
  revoke(id: string): void {
    const token = this.#tokens.get(id);
    if (token) token.revoked = true;
  }

  /** How many tokens were issued (valid or not). */
  get size(): number {
    return this.#tokens.size;
  }

  clear(): void {
    this.#tokens.clear();
  }
}

/**
 * The in-memory state of one mock cloud.
 * @example
 * const state = new CloudState();
 * state.getAttachment(FIXTURES.servers.vm1.id, FIXTURES.volumes.attached.id); // /dev/vdb
 */
export class CloudState {
  readonly tokens = new TokenStore();
  readonly #servers = new Map<string, ServerRecord>();
  readonly #volumes = new Map<string, VolumeRecord>();
  /** Attachments in insertion order; a swap replaces its entry in place. */
  #attachments: AttachmentRecord[] = [];

  constructor() {
    this.reset();
  }

  /** Back to the seeded fixtures (issued tokens stay valid). */
  reset(): void {
    this.#servers.clear();
    this.#volumes.clear();
    const { projectId, userId } = FIXTURES.credentials;
    for (const seed of SERVER_SEEDS) {
      this.#servers.set(seed.id, {
        id: seed.id,
        name: seed.name,
        status: seed.status,
        vmState: seed.vmState,
        locked: seed.locked,
        lockedReason: seed.lockedReason,
        projectId,
        userId,
        created: seed.created,
        updated: seed.created,
      });
    }
    for (const seed of VOLUME_SEEDS) {
      this.#volumes.set(seed.id, { ...seed, status: 'available' });
    }
    this.#attachments = ATTACHMENT_SEEDS.map((seed) => ({ ...seed }));
    this.#refreshVolumeStatus();
  }

  getServer(id: string): ServerRecord | undefined {
    return this.#servers.get(id);
  }

  /** All servers, oldest first. */
  listServers(): ServerRecord[] {
    return [...this.#servers.values()];
  }

  /**
   * Servers whose name matches `pattern` as a regular expression searched anywhere in the name,
   * as Nova's database filter does (so `vm-1` also finds `vm-10`). A pattern that is not a
   * valid regular expression is matched as plain text. A pattern that could backtrack for
   * long is refused with Nova's 400 (see {@link namePatternProblem}).
   */
  findServersByName(pattern: string): ServerRecord[] {
    const problem = namePatternProblem(pattern);
    if (problem) throw new CloudHttpError(400, `Invalid regular expression: ${problem}`);
    let test: (name: string) => boolean;
    try {
      const re = new RegExp(pattern);
      test = (name) => re.test(name);
    } catch {
      test = (name) => name.includes(pattern);
    }
    return this.listServers().filter((server) => test(server.name));
  }

  getVolume(id: string): VolumeRecord | undefined {
    return this.#volumes.get(id);
  }

  listVolumes(): VolumeRecord[] {
    return [...this.#volumes.values()];
  }

  /** The attachment of `volumeId` to `serverId`, if that volume is attached to that server. */
  getAttachment(serverId: string, volumeId: string): AttachmentRecord | undefined {
    return this.#attachments.find((a) => a.serverId === serverId && a.volumeId === volumeId);
  }

  /** The attachments of one server, in device order of attachment. */
  listAttachments(serverId: string): AttachmentRecord[] {
    return this.#attachments.filter((a) => a.serverId === serverId);
  }

  /** The server a volume is attached to, if any. */
  attachmentOfVolume(volumeId: string): AttachmentRecord | undefined {
    return this.#attachments.find((a) => a.volumeId === volumeId);
  }

  /** Sets Cinder's migration status of a volume (for the Cinder-only swap rule). */
  setMigrationStatus(volumeId: string, status: string | null): void {
    const volume = this.#volumes.get(volumeId);
    if (!volume) throw new Error(`no volume ${volumeId}`);
    volume.migrationStatus = status;
  }

  /** Locks or unlocks a server (a locked server refuses a swap). */
  setLocked(serverId: string, locked: boolean, reason: string | null = null): void {
    const server = this.#servers.get(serverId);
    if (!server) throw new Error(`no server ${serverId}`);
    server.locked = locked;
    server.lockedReason = locked ? reason : null;
  }

  /**
   * Applies an attachment update in one step: the new `delete_on_termination` (if given) and,
   * when `newVolumeId` differs from `oldVolumeId`, the swap (the mapping keeps its device and
   * bdm uuid and gets a new Cinder attachment id; the old volume becomes available). The caller
   * has checked everything before; this only refuses a call that would corrupt the state.
   */
  updateAttachment(
    serverId: string,
    oldVolumeId: string,
    newVolumeId: string,
    changes: { deleteOnTermination?: boolean } = {}
  ): SwapResult {
    const index = this.#attachments.findIndex(
      (a) => a.serverId === serverId && a.volumeId === oldVolumeId
    );
    const before = this.#attachments[index];
    if (!before) throw new Error(`volume ${oldVolumeId} is not attached to server ${serverId}`);
    if (newVolumeId !== oldVolumeId) {
      if (!this.#volumes.has(newVolumeId)) throw new Error(`no volume ${newVolumeId}`);
      if (this.attachmentOfVolume(newVolumeId)) throw new Error(`volume ${newVolumeId} in use`);
    }
    const after: AttachmentRecord = {
      ...before,
      volumeId: newVolumeId,
      deleteOnTermination: changes.deleteOnTermination ?? before.deleteOnTermination,
      attachmentId: newVolumeId !== oldVolumeId ? randomUUID() : before.attachmentId,
    };
    this.#attachments[index] = after;
    const server = this.#servers.get(serverId);
    if (server) server.updated = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.#refreshVolumeStatus();
    return { before: { ...before }, after: { ...after } };
  }

  /** A deep copy of servers, volumes and attachments. */
  snapshot(): CloudSnapshot {
    return {
      servers: this.listServers().map((s) => ({ ...s })),
      volumes: this.listVolumes().map((v) => ({ ...v })),
      attachments: this.#attachments.map((a) => ({ ...a })),
    };
  }

  #refreshVolumeStatus(): void {
    const inUse = new Set(this.#attachments.map((a) => a.volumeId));
    for (const volume of this.#volumes.values()) {
      volume.status = inUse.has(volume.id) ? 'in-use' : 'available';
    }
  }
}

/** Nova's server name limit; a longer name pattern is refused. */
export const MAX_NAME_PATTERN_LENGTH = 255;

/** Most quantifiers (`*`, `+`, `?`, `{`) a name pattern may hold. */
export const MAX_NAME_QUANTIFIERS = 8;

const QUANTIFIERS = new Set(['*', '+', '?', '{']);

/**
 * Why a `?name=` pattern is refused, or undefined when it may run: too long, too many
 * quantifiers, or a nested quantifier (a quantified group holding a quantifier or `|`), the
 * shapes that make a backtracking engine take exponential or high-polynomial time.
 */
export function namePatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_NAME_PATTERN_LENGTH) {
    return `pattern longer than ${MAX_NAME_PATTERN_LENGTH} characters`;
  }
  let quantifiers = 0;
  // Per open group: does it hold a quantifier or an alternative?
  const groups: boolean[] = [];
  let closedRisky = false; // the group that just closed held one
  let inClass = false;
  let opened = false; // the previous character opened a group
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const afterGroup = closedRisky;
    const afterOpen = opened;
    closedRisky = false;
    opened = false;
    if (ch === '\\') {
      i += 1; // the escaped character is literal
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      groups.push(false);
      opened = true;
    } else if (ch === ')') {
      const risky = groups.pop() ?? false;
      if (risky && groups.length > 0) groups[groups.length - 1] = true;
      closedRisky = risky;
    } else if (ch === '|') {
      if (groups.length > 0) groups[groups.length - 1] = true;
    } else if (QUANTIFIERS.has(ch)) {
      // `(?` opens a special group (`(?:`, `(?=`): not a quantifier.
      if (ch === '?' && afterOpen) continue;
      if (afterGroup) return 'nested quantifier';
      quantifiers += 1;
      if (quantifiers > MAX_NAME_QUANTIFIERS) {
        return `more than ${MAX_NAME_QUANTIFIERS} quantifiers`;
      }
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
  }
  return undefined;
}
