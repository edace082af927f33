import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { parseSignature } from './signature.ts';
import type { VisitRecordView } from './visits.service.ts';

/*
 * The service report (维修服务报告) the customer signed, as a PDF: pdfkit draws it, with
 * Noto Sans SC from @fontsource/noto-sans-sc. That package ships the font cut into ~100
 * subsets, each with the unicode-range it covers (in its CSS, as browsers load them): every
 * run of characters is drawn with the subset that covers it, and only the subsets a report
 * uses are embedded (pdfkit embeds only the glyphs used from each). Parsing the CSS and
 * splitting text into runs is the part no library does; the rest is pdfkit's.
 */

interface Subset {
  file: string;
  ranges: [number, number][];
}

const FONT_DIR = dirname(fileURLToPath(import.meta.resolve('@fontsource/noto-sans-sc/400.css')));

function parseSubsets(css: string): Subset[] {
  const subsets: Subset[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+?\.woff)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((r) => {
      const [lo, hi] = r.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(lo!, 16), parseInt(hi ?? lo!, 16)] as [number, number];
    });
    subsets.push({ file, ranges });
  }
  return subsets;
}

let subsets: Subset[] | undefined;
const fontData = new Map<string, Buffer>();

/** The index of the subset that covers a code point, or -1. */
function subsetOf(cp: number): number {
  subsets ??= parseSubsets(readFileSync(join(FONT_DIR, '400.css'), 'utf8'));
  return subsets.findIndex((s) => s.ranges.some(([lo, hi]) => cp >= lo && cp <= hi));
}

/** The text cut into runs that one subset draws each (a character no subset covers becomes a replacement mark). */
export function runsOf(text: string): { subset: number; text: string }[] {
  const runs: { subset: number; text: string }[] = [];
  for (const ch of text) {
    let subset = subsetOf(ch.codePointAt(0)!);
    let drawn = ch;
    if (subset < 0) {
      drawn = '\uFFFD';
      subset = subsetOf(0xfffd);
    }
    const last = runs.at(-1);
    if (last && last.subset === subset) last.text += drawn;
    else runs.push({ subset, text: drawn });
  }
  return runs;
}

type Doc = InstanceType<typeof PDFDocument>;

function useSubset(doc: Doc, registered: Set<number>, subset: number): void {
  const name = `sc${subset}`;
  if (!registered.has(subset)) {
    const file = subsets![subset]!.file;
    let data = fontData.get(file);
    if (!data) fontData.set(file, (data = readFileSync(join(FONT_DIR, 'files', file))));
    doc.registerFont(name, data);
    registered.add(subset);
  }
  doc.font(name);
}

/** Money in minor units, as the currency writes it (2 decimals for CNY and EUR, none for JPY). */
export function money(amount: number, currency: string | null): string {
  if (!currency) return String(amount);
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

const WARRANTY_TEXT = {
  in_warranty: '保修期内 In warranty — parts free of charge',
  out_of_warranty: '保修期外 Out of warranty — parts charged at unit price',
  misuse: '人为损坏 Misuse — parts charged at unit price',
} as const;

const when = (isoTime: string) => isoTime.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');

/** Renders the report of a completed visit's record. */
export function renderServiceReport(view: VisitRecordView): Promise<Buffer> {
  const r = view.record;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Service report ${r.ticket.number}`, Subject: `Visit ${r.visit.id}`, Producer: 'Aftercare', CreationDate: new Date(r.visit.completed_at) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const registered = new Set<number>();
  const write = (text: string, size = 10, options: PDFKit.Mixins.TextOptions = {}) => {
    doc.fontSize(size);
    const runs = runsOf(text);
    runs.forEach((run, i) => {
      useSubset(doc, registered, run.subset);
      doc.text(run.text, { ...options, continued: i < runs.length - 1 });
    });
  };
  const field = (label: string, value: string) => write(`${label}: ${value}`);
  const gap = (lines = 0.6) => doc.moveDown(lines);

  write('维修服务报告  Service report', 18);
  write(`${r.ticket.number} · ${r.ticket.subject}`, 11);
  gap();
  field('客户 Customer', r.customer.name);
  if (r.customer.address) field('地址 Address', r.customer.address);
  field('产品 Product', r.product ? `${r.product.product_model}${r.product.serial_number ? ` · 序列号 S/N ${r.product.serial_number}` : ''}` : '— (no product on the ticket)');
  if (r.product?.warranty_until) field('保修至 Warranty until', r.product.warranty_until);
  field('技术员 Technician', r.technician.name);
  field('预约时段 Window', `${when(r.visit.window_start)} – ${when(r.visit.window_end)}${r.visit.outside_hours ? ' (outside working hours)' : ''}`);
  field('到达 Checked in', when(r.visit.checked_in_at));
  field('完成 Completed', when(r.visit.completed_at));
  gap();
  write('维修内容 Work done', 12);
  write(r.work_summary);
  gap();
  field('测试结果 Test', r.test_passed ? '通过 Passed' : '未通过 Failed');
  if (r.test_notes) write(r.test_notes);
  gap();
  write('使用备件 Parts used', 12);
  if (r.parts.length === 0) write('— none');
  for (const p of r.parts) {
    write(`${p.sku}  ${p.name}  × ${p.quantity}  @ ${money(p.unit_price, p.currency)}  = ${money(p.amount, p.currency)}`);
  }
  gap();
  field('保修判定 Warranty', WARRANTY_TEXT[r.warranty.result]);
  field('备件费用 Parts charges', money(r.charges.parts_total, r.charges.currency));
  gap();
  write('客户签字 Customer signature', 12);
  drawSignature(doc, r.signoff.signature);
  field('签字人 Signed by', r.signoff.signed_by);
  field('签字时间 Signed at', when(r.signoff.signed_at));
  gap();
  write(`SHA-256 ${view.sha256}`, 8);
  write(view.verifies ? '记录完整 The record verifies against its hash.' : '记录已被改动 The record NO LONGER matches its hash.', 8);
  doc.end();
  return done;
}

const SIGNATURE_BOX = { width: 240, height: 90 };

/** The signature in a box: the image scaled to fit, or the SVG path scaled from its 400 × 150 pad. */
function drawSignature(doc: Doc, signature: string): void {
  const x = doc.x;
  const y = doc.y + 4;
  const s = parseSignature(signature);
  doc.save().rect(x, y, SIGNATURE_BOX.width, SIGNATURE_BOX.height).lineWidth(0.5).strokeColor('#999999').stroke().restore();
  if (s.kind === 'image') {
    doc.image(s.data, x + 2, y + 2, { fit: [SIGNATURE_BOX.width - 4, SIGNATURE_BOX.height - 4] });
  } else {
    doc.save().translate(x, y).scale(SIGNATURE_BOX.width / 400).path(s.d).lineWidth(2).strokeColor('#000000').stroke().restore();
  }
  doc.x = x;
  doc.y = y + SIGNATURE_BOX.height + 6;
}
