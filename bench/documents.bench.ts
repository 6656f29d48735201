import { performance } from 'node:perf_hooks';
import { renderShippingLabels, renderTaxInvoice, type ShippingLabelDocument, type TaxInvoiceDocument } from '@fulfil/documents';
import { DEFAULT_FONT, renderPdf } from '../libs/documents/src/pdf-renderer';
import type { BenchResult } from './bench-result';
import { machine, markdown } from './report';

/**
 * Document rendering throughput on one core: renders run one after another, never concurrently,
 * so the figure is what one Node process (one JS thread) sustains. Each figure is set against a
 * trivial one-line PDF rendered in the same run, which cancels out how fast this machine is.
 */
export async function runDocumentsBench(opts: { count: number }): Promise<BenchResult[]> {
  const baseline = { name: 'one-line pdfmake PDF', value: await perSecond(opts.count, renderOneLinePdf) };
  const invoices = await perSecond(opts.count, () => renderTaxInvoice(SAMPLE_INVOICE, 'recipient'));
  const thermal = await perSecond(opts.count, () => renderShippingLabels([SAMPLE_LABEL], 'thermal-4x6'));
  const a4Sheets = await perSecond(Math.max(1, Math.ceil(opts.count / 4)), () => renderShippingLabels(A4_BATCH, 'a4-4up'));
  const oneCore = 'sequential renders, one JS thread';
  return [
    { name: 'documents: tax invoice', unit: 'invoices/s', value: invoices, baseline, notes: `A4, 3 lines at 2 rates + shipping, intra-state; ${oneCore}` },
    { name: 'documents: label, thermal 4x6', unit: 'labels/s', value: thermal, baseline, notes: `one label per PDF, Code 128 + QR; ${oneCore}` },
    {
      name: 'documents: labels, A4 4-up',
      unit: 'labels/s',
      value: a4Sheets * A4_BATCH.length,
      baseline,
      notes: `${A4_BATCH.length} labels per PDF; ${oneCore}`,
    },
  ];
}

/** Renders per second over `count` sequential renders, after a short warm-up (JIT, font metrics). */
async function perSecond(count: number, render: () => Promise<Buffer>): Promise<number> {
  for (let i = 0; i < WARM_UP_RENDERS; i++) await render();
  const started = performance.now();
  for (let i = 0; i < count; i++) await render();
  return count / ((performance.now() - started) / 1000);
}

const WARM_UP_RENDERS = 5;
const BENCH_DATE = new Date('2026-05-14T05:00:00Z');

function renderOneLinePdf(): Promise<Buffer> {
  return renderPdf({ content: 'Hello from the documents bench', defaultStyle: { font: DEFAULT_FONT } }, BENCH_DATE, 'baseline');
}

const SAMPLE_INVOICE: TaxInvoiceDocument = {
  supplier: {
    legalName: 'Kaveri Handlooms Private Limited',
    addressLines: ['No. 12, 3rd Cross, Chickpet', 'Bengaluru, Karnataka 560053'],
    stateCode: '29',
    gstin: '29AABCT1332L1ZA',
  },
  buyer: { name: 'Ananya Rao', addressLines: ['Flat 4B, Lakeview Residency', 'Indiranagar'], city: 'Bengaluru', pincode: '560038', stateCode: '29' },
  invoiceNumber: 'KH/26-27/000123',
  invoiceDate: '2026-05-14T10:30:00+05:30',
  revision: 1,
  orderId: 'ORD-BENCH',
  lines: [
    { description: 'Mysore silk saree', hsnCode: '50072010', quantity: 1, unit: 'PCS', unitPricePaise: 12_000_00, discountPaise: 500_00, taxRatePercent: 5 },
    { description: 'Cotton kurta', hsnCode: '62114210', quantity: 3, unit: 'PCS', unitPricePaise: 850_00, discountPaise: 0, taxRatePercent: 12 },
    { description: 'Printed stole', hsnCode: '62149090', quantity: 2, unit: 'PCS', unitPricePaise: 499_00, discountPaise: 0, taxRatePercent: 12 },
  ],
  charges: [{ description: 'Shipping charges', sacCode: '996812', amountPaise: 60_00, taxRatePercent: 18 }],
  paymentMethod: 'prepaid',
};

const SAMPLE_LABEL: ShippingLabelDocument = {
  orderId: 'ORD-BENCH',
  shipmentId: 'SHP-BENCH-1',
  labelDate: '2026-05-14T11:00:00+05:30',
  shipTo: { name: 'Ananya Rao', addressLines: ['Flat 4B, Lakeview Residency'], city: 'Bengaluru', stateCode: '29', pincode: '560038', phone: '9845012345' },
  returnTo: { name: 'Kaveri Handlooms', addressLines: ['No. 12, 3rd Cross, Chickpet'], city: 'Bengaluru', stateCode: '29', pincode: '560053', phone: '9900112233' },
  package: { weightGrams: 1250, lengthCm: 30, widthCm: 22, heightCm: 8 },
  payment: { method: 'cod', amountToCollectPaise: 1_234_50 },
  carrierName: 'Delhivery',
  awb: '1490810022345',
};

const A4_BATCH: ShippingLabelDocument[] = [1, 2, 3, 4].map((n) => ({ ...SAMPLE_LABEL, shipmentId: `SHP-BENCH-${n}`, awb: `149081002234${n}` }));

if (require.main === module) {
  const countArgument = process.argv.indexOf('--count');
  const count = countArgument > 0 ? Number(process.argv[countArgument + 1]) : 100;
  runDocumentsBench({ count })
    .then((results) => process.stdout.write(markdown({ startedAt: new Date().toISOString(), machine: machine(), results, figures: {} })))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
