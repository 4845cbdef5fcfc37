/**
 * @module
 * Validation of the volume-attachment update body, per microversion, with the messages Nova's
 * JSON-schema layer gives (`Invalid input for field/attribute <name>. Value: <value>.
 * <reason>`, values printed the way Python prints them).
 * @see nova/api/openstack/compute/schemas/volume_attachments.py (update, update_v285),
 *   nova/api/validation/validators.py
 */
import { CloudHttpError } from './nova-errors.js';

/** A validated update body. */
export interface AttachmentUpdate {
  readonly volumeId: string;
  /** Only from 2.85; the other optional fields must equal the current values. */
  readonly deleteOnTermination?: boolean;
  readonly device?: string | null;
  readonly tag?: string;
  readonly serverId?: string;
  readonly id?: string;
}

const UUID_RE =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$/;

/** True for the forms `uuidutils.is_uuid_like` accepts that matter here (dashed or plain hex). */
export function isUuidLike(value: string): boolean {
  return UUID_RE.test(value);
}

/** The strings (and booleans) Nova's `parameter_types.boolean` accepts, mapped to booleans. */
const BOOLEAN_STRINGS: Record<string, boolean> = {
  True: true,
  TRUE: true,
  true: true,
  '1': true,
  ON: true,
  On: true,
  on: true,
  YES: true,
  Yes: true,
  yes: true,
  y: true,
  t: true,
  False: false,
  FALSE: false,
  false: false,
  '0': false,
  OFF: false,
  Off: false,
  off: false,
  NO: false,
  No: false,
  no: false,
  n: false,
  f: false,
};

/**
 * Python's `repr()` of a JSON value (what jsonschema's messages show). Iterative, so a body of
 * any depth gets its message rather than a stack overflow.
 */
export function pyRepr(value: unknown): string {
  const out: string[] = [];
  // Work items: a value to print, or a literal piece of text (separators, closing brackets).
  const stack: { value?: unknown; text?: string }[] = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.text !== undefined) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (v === null || v === undefined) out.push('None');
    else if (v === true) out.push('True');
    else if (v === false) out.push('False');
    else if (typeof v === 'number') out.push(String(v));
    else if (typeof v === 'string') out.push(pyStr(v));
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] as unknown });
        if (i > 0) stack.push({ text: ', ' });
      }
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      out.push('{');
      stack.push({ text: '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, inner] = entries[i]!;
        stack.push({ value: inner });
        stack.push({ text: `${pyStr(k)}: ` });
        if (i > 0) stack.push({ text: ', ' });
      }
    } else out.push(String(v));
  }
  return out.join('');
}

function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return quote === "'" ? `'${escaped.replace(/'/g, "\\'")}'` : `"${escaped}"`;
}

/** `%s` formatting of a value in "Value: %s": strings bare, everything else as repr. */
function pyFormat(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

function invalid(field: string, value: unknown, reason: string): CloudHttpError {
  return new CloudHttpError(
    400,
    `Invalid input for field/attribute ${field}. Value: ${pyFormat(value)}. ${reason}`
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeName(t: string): string {
  return `'${t}'`;
}

function checkUuid(field: string, value: unknown): string {
  if (typeof value !== 'string')
    throw invalid(field, value, `${pyRepr(value)} is not of type ${typeName('string')}`);
  if (!isUuidLike(value)) throw invalid(field, value, `${pyRepr(value)} is not a 'uuid'`);
  return value;
}

/**
 * Validates `PUT /servers/{id}/os-volume_attachments/{volume_id}`'s body. Up to 2.84 only
 * `volumeId` is allowed; from 2.85 also `device`, `tag`, `delete_on_termination`, `serverId`
 * and `id`. Throws a 400 {@link CloudHttpError} with Nova's message otherwise.
 */
export function validateAttachmentUpdate(body: unknown, v285: boolean): AttachmentUpdate {
  if (!isObject(body)) {
    throw new CloudHttpError(400, `${pyRepr(body)} is not of type 'object'`);
  }
  if (!('volumeAttachment' in body)) {
    throw new CloudHttpError(400, "'volumeAttachment' is a required property");
  }
  const extraTop = Object.keys(body).filter((k) => k !== 'volumeAttachment');
  if (extraTop.length > 0) {
    throw new CloudHttpError(400, additional(extraTop));
  }
  const att = body.volumeAttachment;
  if (!isObject(att)) {
    throw invalid('volumeAttachment', att, `${pyRepr(att)} is not of type 'object'`);
  }
  if (!('volumeId' in att)) {
    throw invalid('volumeAttachment', att, "'volumeId' is a required property");
  }
  const allowed = v285
    ? ['volumeId', 'device', 'tag', 'delete_on_termination', 'serverId', 'id']
    : ['volumeId'];
  const extra = Object.keys(att).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw invalid('volumeAttachment', att, additional(extra));

  const out: {
    volumeId: string;
    deleteOnTermination?: boolean;
    device?: string | null;
    tag?: string;
    serverId?: string;
    id?: string;
  } = { volumeId: checkUuid('volumeId', att.volumeId) };
  if (!v285) return out;

  if ('device' in att) {
    const device = att.device;
    if (device !== null && typeof device !== 'string') {
      throw invalid('device', device, `${pyRepr(device)} is not of type 'string', 'null'`);
    }
    if (
      typeof device === 'string' &&
      !/^(\/dev\/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$/.test(device)
    ) {
      throw invalid(
        'device',
        device,
        `${pyRepr(device)} does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'`
      );
    }
    out.device = device;
  }
  if ('tag' in att) {
    const tag = att.tag;
    if (typeof tag !== 'string')
      throw invalid('tag', tag, `${pyRepr(tag)} is not of type 'string'`);
    if (tag.length > 60) throw invalid('tag', tag, `${pyRepr(tag)} is too long`);
    if (/[,/]/.test(tag)) throw invalid('tag', tag, `${pyRepr(tag)} does not match '^[^,/]*$'`);
    out.tag = tag;
  }
  if ('delete_on_termination' in att) {
    const dot = att.delete_on_termination;
    let parsed: boolean | undefined;
    if (typeof dot === 'boolean') parsed = dot;
    else if (typeof dot === 'string' && dot in BOOLEAN_STRINGS) parsed = BOOLEAN_STRINGS[dot];
    if (parsed === undefined) {
      throw invalid(
        'delete_on_termination',
        dot,
        `${pyRepr(dot)} is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']`
      );
    }
    out.deleteOnTermination = parsed;
  }
  if ('serverId' in att) out.serverId = checkUuid('serverId', att.serverId);
  if ('id' in att) out.id = checkUuid('id', att.id);
  return out;
}

function additional(keys: readonly string[]): string {
  const list = keys.map((k) => pyRepr(k)).join(', ');
  return `Additional properties are not allowed (${list} ${keys.length === 1 ? 'was' : 'were'} unexpected)`;
}
