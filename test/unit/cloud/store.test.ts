import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../src/cloud/fixtures.js';
import { CloudHttpError } from '../../../src/cloud/nova-errors.js';
import {
  CloudState,
  MAX_NAME_PATTERN_LENGTH,
  TokenStore,
  namePatternProblem,
} from '../../../src/cloud/store.js';

const { servers: S, volumes: V } = FIXTURES;

describe('CloudState', () => {
  it('is seeded with vm-1 holding the attached volume, and spares available', () => {
    const state = new CloudState();
    expect(state.getServer(S.vm1.id)?.name).toBe('vm-1');
    expect(state.getAttachment(S.vm1.id, V.attached.id)?.device).toBe('/dev/vdb');
    expect(state.getVolume(V.attached.id)?.status).toBe('in-use');
    expect(state.getVolume(V.spare.id)?.status).toBe('available');
  });

  it('matches names as a regular expression searched anywhere, like Nova', () => {
    const state = new CloudState();
    expect(
      state
        .findServersByName('vm-1')
        .map((s) => s.name)
        .sort()
    ).toEqual(['vm-1', 'vm-10']);
    expect(state.findServersByName('^vm-1$').map((s) => s.name)).toEqual(['vm-1']);
    expect(
      state
        .findServersByName('dup')
        .map((s) => s.id)
        .sort()
    ).toEqual([S.dupA.id, S.dupB.id].sort());
    expect(state.findServersByName('(').map((s) => s.name)).toEqual([]);
  });

  it('refuses a name pattern that would backtrack for long with a 400', () => {
    const state = new CloudState();
    expect(() => state.findServersByName(`${'.*'.repeat(26)}!`)).toThrow(
      /^Invalid regular expression: more than 8 quantifiers$/
    );
    try {
      state.findServersByName('(a+)+');
      expect.unreachable('(a+)+ was accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(CloudHttpError);
      expect((err as CloudHttpError).status).toBe(400);
    }
    // Ordinary patterns still run as regular expressions.
    expect(
      state
        .findServersByName('^vm-1(0)?$')
        .map((s) => s.name)
        .sort()
    ).toEqual(['vm-1', 'vm-10']);
  });
});

describe('namePatternProblem', () => {
  it('passes ordinary patterns, with up to 8 quantifiers and groups without nesting', () => {
    for (const ok of [
      'vm-1',
      '^vm-1$',
      'dup',
      '(',
      'vm-(1|2)',
      '(?:vm)-1+',
      '[*+?{(]+x',
      '\\(a+\\)+',
      'a*b*c*d*e*f*g*h*',
      'x'.repeat(MAX_NAME_PATTERN_LENGTH),
    ]) {
      expect([ok, namePatternProblem(ok)]).toEqual([ok, undefined]);
    }
  });

  it('names too long, too many quantifiers and nested quantifiers', () => {
    expect(namePatternProblem('x'.repeat(MAX_NAME_PATTERN_LENGTH + 1))).toMatch(/longer than 255/);
    expect(namePatternProblem('a*b*c*d*e*f*g*h*i*')).toMatch(/more than 8 quantifiers/);
    expect(namePatternProblem('a{1}'.repeat(9))).toMatch(/more than 8 quantifiers/);
    for (const nested of [
      '(a+)+',
      '(a*)*',
      '(a|a)*',
      '((ab)+c)+',
      '(?:a?b)+',
      '(x+){2}',
      '((a|b))*',
    ]) {
      expect([nested, namePatternProblem(nested)]).toEqual([nested, 'nested quantifier']);
    }
  });

  it('swaps an attachment in one step: same device and bdm, new volume and attachment id', () => {
    const state = new CloudState();
    const before = state.getAttachment(S.vm1.id, V.attached.id)!;
    const result = state.updateAttachment(S.vm1.id, V.attached.id, V.spare.id);
    expect(result.before.volumeId).toBe(V.attached.id);
    const after = state.getAttachment(S.vm1.id, V.spare.id)!;
    expect(after).toMatchObject({
      device: before.device,
      bdmUuid: before.bdmUuid,
      volumeId: V.spare.id,
    });
    expect(after.attachmentId).not.toBe(before.attachmentId);
    expect(state.getAttachment(S.vm1.id, V.attached.id)).toBeUndefined();
    expect(state.getVolume(V.attached.id)?.status).toBe('available');
    expect(state.getVolume(V.spare.id)?.status).toBe('in-use');
  });

  it('updates delete_on_termination without a swap when the volume stays', () => {
    const state = new CloudState();
    state.updateAttachment(S.vm1.id, V.attached.id, V.attached.id, { deleteOnTermination: true });
    expect(state.getAttachment(S.vm1.id, V.attached.id)?.deleteOnTermination).toBe(true);
  });

  it('refuses an update that would corrupt the state, and changes nothing', () => {
    const state = new CloudState();
    const snapshot = state.snapshot();
    expect(() => state.updateAttachment(S.vm1.id, V.spare.id, V.spare2.id)).toThrow(/not attached/);
    expect(() => state.updateAttachment(S.vm1.id, V.attached.id, V.migrating.id)).toThrow(/in use/);
    expect(() => state.updateAttachment(S.vm1.id, V.attached.id, 'nope')).toThrow(/no volume/);
    expect(state.snapshot()).toEqual(snapshot);
  });

  it('goes back to the seed on reset', () => {
    const state = new CloudState();
    const seed = state.snapshot();
    state.updateAttachment(S.vm1.id, V.attached.id, V.spare.id);
    state.setLocked(S.vm1.id, true, 'x');
    state.reset();
    expect(state.snapshot()).toEqual(seed);
  });
});

describe('TokenStore', () => {
  it('validates issued tokens and refuses revoked, unknown and expired ones', () => {
    const tokens = new TokenStore();
    const t = tokens.issue('u', 'p', ['password']);
    expect(t.id).toMatch(/^gAAAAAB[\w-]{100,}$/);
    expect(tokens.validate(t.id)?.userId).toBe('u');
    expect(tokens.validate('nope')).toBeUndefined();
    expect(tokens.validate(undefined)).toBeUndefined();
    expect(tokens.validate(t.id, new Date(t.expiresAt.getTime() + 1))).toBeUndefined();
    tokens.revoke(t.id);
    expect(tokens.validate(t.id)).toBeUndefined();
  });

  it('issues a different token each time', () => {
    const tokens = new TokenStore();
    expect(tokens.issue('u', 'p', ['password']).id).not.toBe(
      tokens.issue('u', 'p', ['password']).id
    );
  });
});
