import { createHash } from 'node:crypto';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces';
// pdfmake 0.3 exports an instance whose methods live on its prototype; an ES namespace import would
// copy only own properties and lose them, so it is loaded as the CommonJS value it is.
import pdfmake = require('pdfmake');

/**
 * The 14 standard PDF fonts need no font files: every PDF reader carries them, pdfkit measures
 * them from the AFM metrics it ships, and nothing about them varies between machines.
 */
const STANDARD_FONTS: TFontDictionary = {
  Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' },
};
const STANDARD_FONT_NAMES: ReadonlySet<unknown> = new Set(
  Object.values(STANDARD_FONTS).flatMap((family) => Object.values(family)),
);

export const DEFAULT_FONT = 'Helvetica';

/**
 * Renders a document to PDF bytes that depend on the definition alone. pdfkit would stamp the
 * current time as CreationDate and derive the trailer's file ID from it; both come from
 * `documentDate` instead, so the same input always gives the same bytes (and content hash).
 */
export async function renderPdf(definition: TDocumentDefinitions, documentDate: Date, title: string): Promise<Buffer> {
  configurePdfmake();
  return pdfmake
    .createPdf({
      ...definition,
      info: { title, creator: 'fulfilment-engine', producer: 'pdfmake', creationDate: documentDate, modDate: documentDate },
    })
    .getBuffer();
}

/** The SHA-256 of a rendered PDF, hex: a stable identity for storing and comparing documents. */
export function contentHash(pdf: Buffer): string {
  return createHash('sha256').update(pdf).digest('hex');
}

/**
 * pdfmake keeps fonts and access policies on a process-wide instance; they are set before every
 * render so that nothing else configuring pdfmake can change our output. Documents never load
 * files or URLs: images arrive as data URLs, and the only "local files" pdfmake asks about are the
 * standard font names.
 */
function configurePdfmake(): void {
  pdfmake.setFonts(STANDARD_FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => STANDARD_FONT_NAMES.has(path));
}
