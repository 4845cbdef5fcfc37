/**
 * @module
 * A counting pre-scan of JSON text, run before `JSON.parse` on bodies from the network: it reads
 * the text once, builds nothing, and stops at the first limit passed, so a small body that would
 * parse into millions of objects (or nest 50,000 levels deep and break every recursive walk
 * after the parse) is refused for the price of reading it.
 *
 * It also counts, by the key of the array they sit in, what trace formats carry: spans
 * (`spans`), attributes (`attributes`, `tags`) and events (`events`, `logs`), which the viewer
 * limits per request. The scan does not validate the JSON: `JSON.parse` still does that; for
 * text that is not JSON the counts are only approximate, which is all a limit needs.
 */

/** Limits of one scan; every one is optional. */
export interface JsonScanLimits {
  /** Deepest nesting of arrays and objects (the top-level value is depth 1). */
  readonly maxDepth?: number;
  /** Most objects and arrays in the whole text. */
  readonly maxContainers?: number;
  /** Most objects in arrays named `spans`. */
  readonly maxSpans?: number;
  /** Most items in arrays named `attributes` or `tags`. */
  readonly maxAttributes?: number;
  /** Most items in arrays named `events` or `logs`. */
  readonly maxEvents?: number;
}

/** What a scan counted (up to the point where it stopped). */
export interface JsonScanCounts {
  depth: number;
  containers: number;
  spans: number;
  attributes: number;
  events: number;
}

export type JsonLimitName = keyof JsonScanLimits;

/** Thrown when a scan passes one of its limits; `limit` names which. */
export class JsonLimitError extends Error {
  readonly code = 'JSON_LIMIT';
  readonly limit: JsonLimitName;
  readonly max: number;
  constructor(limit: JsonLimitName, max: number, what: string) {
    super(`${what} is over the limit of ${max} (${limit})`);
    this.name = 'JsonLimitError';
    this.limit = limit;
    this.max = max;
  }
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

/** What an array holds, by the key it was found under. */
const KIND_OTHER = 0;
const KIND_SPANS = 1;
const KIND_ATTRIBUTES = 2;
const KIND_EVENTS = 3;

function kindOfKey(key: string | undefined): number {
  switch (key) {
    case 'spans':
      return KIND_SPANS;
    case 'attributes':
    case 'tags':
      return KIND_ATTRIBUTES;
    case 'events':
    case 'logs':
      return KIND_EVENTS;
    default:
      return KIND_OTHER;
  }
}

/**
 * A resumable scanner: feed it the text in slices with {@link JsonScanner.scan} (so a caller may
 * yield to the event loop between slices), then read {@link JsonScanner.counts}.
 * @example
 * const s = new JsonScanner({ maxDepth: 64 });
 * s.scan(text, 0, text.length); // throws JsonLimitError past a limit
 */
export class JsonScanner {
  readonly limits: Required<JsonScanLimits>;
  readonly counts: JsonScanCounts = {
    depth: 0,
    containers: 0,
    spans: 0,
    attributes: 0,
    events: 0,
  };
  /** For each open container: -1 for an object, else the kind of the array. */
  #stack: number[] = [];
  /** The last string seen that was followed by a colon (the key of the value that follows). */
  #key: string | undefined;
  /** A string just ended that may turn out to be a key (if a colon follows). */
  #candidate: string | undefined;
  /** Where the current string's text starts. */
  #stringStart = 0;
  /** Inside a string that runs past the end of the last slice. */
  #inString = false;
  #escaped = false;

  constructor(limits: JsonScanLimits = {}) {
    this.limits = {
      maxDepth: limits.maxDepth ?? Infinity,
      maxContainers: limits.maxContainers ?? Infinity,
      maxSpans: limits.maxSpans ?? Infinity,
      maxAttributes: limits.maxAttributes ?? Infinity,
      maxEvents: limits.maxEvents ?? Infinity,
    };
  }

  /** Scans `text[from, to)`; the slices must be of one text, in order and without gaps. */
  scan(text: string, from: number, to: number): void {
    let i = from;
    if (this.#inString) i = this.#endString(text, i, to);
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.#candidate = undefined;
        this.#stringStart = i + 1;
        this.#inString = true;
        this.#escaped = false;
        i = this.#endString(text, i + 1, to);
        continue;
      }
      if (!isBlank(c)) {
        // A key: a short string directly followed (after blanks) by a colon.
        if (c === COLON && this.#candidate !== undefined) this.#key = this.#candidate;
        this.#candidate = undefined;
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.#open(c === OPEN_OBJECT);
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          this.#stack.pop();
          this.#key = undefined;
        }
      }
      i++;
    }
  }

  /** Scans a whole text at once. */
  scanAll(text: string): JsonScanCounts {
    this.scan(text, 0, text.length);
    return this.counts;
  }

  #open(isObject: boolean): void {
    const counts = this.counts;
    const parent = this.#stack.length > 0 ? (this.#stack[this.#stack.length - 1] as number) : -1;
    if (parent === KIND_SPANS && isObject) {
      if (++counts.spans > this.limits.maxSpans) {
        throw new JsonLimitError('maxSpans', this.limits.maxSpans, 'the number of spans');
      }
    } else if (parent === KIND_ATTRIBUTES) {
      if (++counts.attributes > this.limits.maxAttributes) {
        throw new JsonLimitError(
          'maxAttributes',
          this.limits.maxAttributes,
          'the number of attributes'
        );
      }
    } else if (parent === KIND_EVENTS) {
      if (++counts.events > this.limits.maxEvents) {
        throw new JsonLimitError('maxEvents', this.limits.maxEvents, 'the number of events');
      }
    }
    if (++counts.containers > this.limits.maxContainers) {
      throw new JsonLimitError(
        'maxContainers',
        this.limits.maxContainers,
        'the number of objects and arrays'
      );
    }
    // The key only names the array it opens when the array is an object's value.
    const kind = isObject ? -1 : parent === -1 ? kindOfKey(this.#key) : KIND_OTHER;
    this.#stack.push(kind);
    this.#key = undefined;
    if (this.#stack.length > counts.depth) {
      counts.depth = this.#stack.length;
      if (counts.depth > this.limits.maxDepth) {
        throw new JsonLimitError('maxDepth', this.limits.maxDepth, 'the nesting depth');
      }
    }
  }

  /** Moves past the rest of a string; returns the index after its closing quote (or `to`). */
  #endString(text: string, from: number, to: number): number {
    const end = this.#skipString(text, from, to);
    if (!this.#inString) {
      const length = end - 1 - this.#stringStart;
      this.#candidate = length <= 32 ? text.slice(this.#stringStart, end - 1) : undefined;
    }
    return end;
  }

  #skipString(text: string, from: number, to: number): number {
    let i = from;
    if (this.#escaped) {
      this.#escaped = false;
      i++;
    }
    while (i < to) {
      const q = text.indexOf('"', i);
      if (q === -1 || q >= to) {
        // The string goes on in the next slice; remember a trailing unpaired backslash.
        let n = 0;
        while (to - 1 - n >= i && text.charCodeAt(to - 1 - n) === BACKSLASH) n++;
        this.#escaped = n % 2 === 1;
        return to;
      }
      // A quote preceded by an odd number of backslashes is escaped.
      let n = 0;
      while (q - 1 - n >= i && text.charCodeAt(q - 1 - n) === BACKSLASH) n++;
      if (n % 2 === 0) {
        this.#inString = false;
        return q + 1;
      }
      i = q + 1;
    }
    return to;
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Scans `text` in slices of `sliceChars`, awaiting `pause()` between them, so a big body does
 * not hold the event loop for the whole scan.
 * @throws JsonLimitError past a limit
 */
export async function scanJsonYielding(
  text: string,
  limits: JsonScanLimits,
  pause: () => Promise<void>,
  sliceChars = 1 << 20
): Promise<JsonScanCounts> {
  const scanner = new JsonScanner(limits);
  for (let at = 0; at < text.length; at += sliceChars) {
    if (at > 0) await pause();
    scanner.scan(text, at, Math.min(text.length, at + sliceChars));
  }
  return scanner.counts;
}
