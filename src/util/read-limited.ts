/**
 * @module
 * Reading an HTTP request body with a size limit, shared by the mock cloud (oslo's request size
 * limit) and the viewer's OTLP receiver: the announced Content-Length is checked first, so a
 * big upload is refused before it is read, and a body without one is refused as soon as it
 * passes the limit.
 */

const PAUSE_EVERY = 1024 * 1024;

/**
 * Reads `req`'s body, or throws what `tooLarge` makes once the body passes `limit` bytes.
 * @param tooLarge builds the error; gets the announced length when that was the reason
 * @param pause awaited after each MiB read: chunks already buffered are handed over without a
 *   turn of the event loop, so a big body would otherwise be read in one go
 * @example
 * const bytes = await readLimited(c.req.raw, 4 << 20, () => new HTTPException(413));
 */
export async function readLimited(
  req: Request,
  limit: number,
  tooLarge: (announced?: number) => Error,
  pause?: () => Promise<void>
): Promise<Uint8Array> {
  const announced = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(announced) && announced > limit) throw tooLarge(announced);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let nextPause = PAUSE_EVERY;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (pause && total >= nextPause) {
      nextPause = total + PAUSE_EVERY;
      await pause();
    }
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
