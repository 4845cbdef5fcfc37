import { describe, expect, it } from 'vitest';
import { pyRepr, validateAttachmentUpdate } from '../../../src/cloud/validation.js';

const VOL = '227cc671-f30b-4488-96fd-7d0bf13648d8';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('validateAttachmentUpdate', () => {
  it('accepts exactly volumeId up to 2.84', () => {
    expect(validateAttachmentUpdate({ volumeAttachment: { volumeId: VOL } }, false)).toEqual({
      volumeId: VOL,
    });
  });

  it('refuses delete_on_termination before 2.85 as Nova does', () => {
    expect(
      message(() =>
        validateAttachmentUpdate(
          { volumeAttachment: { volumeId: VOL, delete_on_termination: true } },
          false
        )
      )
    ).toBe(
      `Invalid input for field/attribute volumeAttachment. Value: {'volumeId': '${VOL}', 'delete_on_termination': True}. Additional properties are not allowed ('delete_on_termination' was unexpected)`
    );
  });

  it('accepts the 2.85 fields and parses boolean strings', () => {
    const body = {
      volumeAttachment: {
        volumeId: VOL,
        delete_on_termination: 'yes',
        device: '/dev/vdb',
        tag: 't',
        serverId: VOL,
        id: VOL,
      },
    };
    expect(validateAttachmentUpdate(body, true)).toEqual({
      volumeId: VOL,
      deleteOnTermination: true,
      device: '/dev/vdb',
      tag: 't',
      serverId: VOL,
      id: VOL,
    });
  });

  it('gives the captured message for a volumeId that is not a uuid', () => {
    expect(
      message(() =>
        validateAttachmentUpdate({ volumeAttachment: { volumeId: 'not-a-uuid' } }, false)
      )
    ).toBe(
      "Invalid input for field/attribute volumeId. Value: not-a-uuid. 'not-a-uuid' is not a 'uuid'"
    );
  });

  it('names the missing and unexpected properties', () => {
    expect(message(() => validateAttachmentUpdate({}, false))).toBe(
      "'volumeAttachment' is a required property"
    );
    expect(message(() => validateAttachmentUpdate({ volumeAttachment: {} }, true))).toBe(
      "Invalid input for field/attribute volumeAttachment. Value: {}. 'volumeId' is a required property"
    );
    expect(
      message(() => validateAttachmentUpdate({ volumeAttachment: { volumeId: VOL }, x: 1 }, false))
    ).toBe("Additional properties are not allowed ('x' was unexpected)");
    expect(message(() => validateAttachmentUpdate(null, false))).toBe(
      "None is not of type 'object'"
    );
    expect(
      message(() =>
        validateAttachmentUpdate(
          { volumeAttachment: { volumeId: VOL, delete_on_termination: 'maybe' } },
          true
        )
      )
    ).toMatch(
      /^Invalid input for field\/attribute delete_on_termination\. Value: maybe\. 'maybe' is not one of \[True/
    );
  });
});

describe('pyRepr', () => {
  it('prints JSON values the way Python repr does', () => {
    expect(pyRepr({ a: [1, true, null, "it's"] })).toBe(`{'a': [1, True, None, "it's"]}`);
  });
});
