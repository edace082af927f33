import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import { ruleViolated } from '../../domain/errors.ts';

/*
 * The customer's signature on a repair record: a PNG or JPEG image as a base64 data URL, or
 * an SVG path (the `d` attribute of a stroke). Checked at completion, so the record only
 * ever holds a signature the service report can draw: a PNG is decoded whole by pngjs (a
 * broken one would otherwise fail inside the PDF library's asynchronous decoder, out of any
 * request's reach), a JPEG's header is read by pdfkit (which embeds JPEG data undecoded).
 */

const DATA_URL = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]+={0,2})$/;
/** The tokens of an SVG path: commands and well-formed numbers (what a signature pad's strokes export). */
const PATH_TOKEN = /[MmLlHhVvCcSsQqTtAaZz]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;
/** Beyond this a signature image is not a signature (and decoding it would cost memory). */
const MAX_PIXELS = 4_000_000;

export type Signature = { kind: 'image'; format: 'png' | 'jpeg'; data: Buffer } | { kind: 'path'; d: string };

const invalid = (why: string) => ruleViolated('signature-invalid', `The signature ${why}.`, [{ path: '/body/signoff/signature', message: why }]);

/** The signature as the report draws it; a 422 signature-invalid when it is neither form or does not decode. */
export function parseSignature(signature: string): Signature {
  const m = DATA_URL.exec(signature);
  if (m) {
    const data = Buffer.from(m[2]!, 'base64');
    const format = m[1] as 'png' | 'jpeg';
    // The header's dimensions before any decoding: a small file can declare a huge image.
    if (format === 'png' && (data.length < 24 || data.readUInt32BE(16) * data.readUInt32BE(20) > MAX_PIXELS)) {
      throw invalid('image has no readable header or too many pixels (at most 4 megapixels)');
    }
    let size: { width: number; height: number };
    try {
      size = format === 'png' ? PNG.sync.read(data) : (new PDFDocument({ autoFirstPage: false }) as unknown as { openImage(src: Buffer): { width: number; height: number } }).openImage(data);
    } catch {
      throw invalid(`is not a readable ${format.toUpperCase()} image`);
    }
    if (!(size.width > 0 && size.height > 0) || size.width * size.height > MAX_PIXELS) throw invalid('image has no pixels or too many (at most 4 megapixels)');
    return { kind: 'image', format, data };
  }
  if (signature.startsWith('data:')) throw invalid('is a data URL of another kind than image/png or image/jpeg with base64');
  const onlyTokens = signature.replace(PATH_TOKEN, '').replace(/[\s,]/g, '') === '';
  if (!/^\s*[Mm]/.test(signature) || !onlyTokens || !/\d/.test(signature)) throw invalid('is neither an image data URL nor an SVG path starting with a move (M)');
  return { kind: 'path', d: signature.trim() };
}

export function checkSignature(signature: string): void {
  parseSignature(signature);
}
