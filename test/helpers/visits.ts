import { PNG } from 'pngjs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A signature as a signature pad sends it: a small PNG with a dark stroke, as a data URL. */
export const SIGNATURE_PNG = (() => {
  const png = new PNG({ width: 120, height: 40 });
  png.data.fill(255);
  for (let x = 10; x < 110; x++) {
    const y = Math.round(20 + 12 * Math.sin(x / 9));
    for (const dy of [0, 1]) {
      const i = ((y + dy) * 120 + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = 20;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
})();

/** The text of every page of a PDF, read back by pdf.js (the reader Firefox uses). */
export async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  await doc.destroy();
  return pages.join('\n');
}
