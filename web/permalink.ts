/**
 * @module
 * Page state in the URL fragment, so a link opens the same trace and span (or the same pair of
 * traces in compare): `#trace=<id>&span=<id>`, `#compare=<a>,<b>&side=b&span=<id>`; the Find
 * text rides along as `&find=<text>`.
 */

export interface PageLink {
  readonly trace?: string;
  readonly span?: string;
  readonly compare?: readonly [string, string];
  readonly side?: 'a' | 'b';
  /** The Find box's text. */
  readonly find?: string;
}

/** The longest Find text a link keeps. */
const MAX_FIND = 200;

const ID = /^[0-9a-f]{8,32}$/;
/** A compare side: a trace id, or `traceId:spanId`. */
const SIDE = /^[0-9a-f]{8,32}(:[0-9a-f]{8,16})?$/;

/** Reads a fragment; anything that is not a well-formed id is ignored. */
export function readHash(hash: string): PageLink {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const trace = params.get('trace') ?? undefined;
  const span = params.get('span') ?? undefined;
  const pair = params.get('compare')?.split(',');
  const side = params.get('side');
  const find = params.get('find')?.slice(0, MAX_FIND);
  const compare =
    pair && pair.length === 2 && SIDE.test(pair[0] ?? '') && SIDE.test(pair[1] ?? '')
      ? ([pair[0], pair[1]] as [string, string])
      : undefined;
  return {
    ...(trace && ID.test(trace) ? { trace } : {}),
    ...(span && ID.test(span) ? { span } : {}),
    ...(compare ? { compare } : {}),
    ...(side === 'a' || side === 'b' ? { side } : {}),
    ...(find ? { find } : {}),
  };
}

/** Writes a fragment (with the leading `#`, or '' for an empty link). */
export function writeHash(link: PageLink): string {
  const params = new URLSearchParams();
  if (link.compare) params.set('compare', link.compare.join(','));
  else if (link.trace) params.set('trace', link.trace);
  if (link.compare && link.side) params.set('side', link.side);
  if (link.span) params.set('span', link.span);
  if (link.find) params.set('find', link.find.slice(0, MAX_FIND));
  const text = params.toString();
  return text ? `#${text}` : '';
}
