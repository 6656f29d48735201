import { unzipSync, strFromU8 } from 'fflate';
import type { Address } from '@fulfil/domain';
import { ApiHarness, startApi, storesUnderTest } from '../support/api-harness';
import { binaryBody } from '../support/binary-body';
import { chandigarhAddress, chandigarhSellerProfile, orderInput } from '../support/fixtures';

const IST_MS = 330 * 60_000;

/** Noon on the 15th of last month in India, and that month as YYYY-MM: every document of the test falls in it. */
function lastMonthInIndia(): { period: string; noon: Date } {
  const inIndia = new Date(Date.now() + IST_MS);
  const first = new Date(Date.UTC(inIndia.getUTCFullYear(), inIndia.getUTCMonth() - 1, 1));
  const period = `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
  return { period, noon: new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 15, 12) - IST_MS) };
}

interface Totals {
  intraState: boolean;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  utgstPaise?: number;
  igstPaise: number;
  grandTotalPaise: number;
}

interface SectionTotals {
  count: number;
  valuePaise: number;
  taxablePaise: number;
  igstPaise: number;
  cgstPaise: number;
  stateUtTaxPaise: number;
  cessPaise: number;
}

const none = (): SectionTotals => ({ count: 0, valuePaise: 0, taxablePaise: 0, igstPaise: 0, cgstPaise: 0, stateUtTaxPaise: 0, cessPaise: 0 });

function add(into: SectionTotals, totals: Totals, sign: 1 | -1 = 1, count = true): void {
  if (count) into.count += 1;
  into.valuePaise += sign * totals.grandTotalPaise;
  into.taxablePaise += sign * totals.taxablePaise;
  into.igstPaise += sign * totals.igstPaise;
  into.cgstPaise += sign * totals.cgstPaise;
  into.stateUtTaxPaise += sign * (totals.sgstPaise + (totals.utgstPaise ?? 0));
}

const karnatakaBuyer: Address = { name: 'Ravi Gowda', phone: '9886012345', line1: '8 Church Street', city: 'Bengaluru', stateCode: '29', pincode: '560001' };

describe.each(storesUnderTest())('GSTR-1 export on %s', (_name, storeConfig) => {
  let api: ApiHarness;
  let key: string;
  const { period, noon } = lastMonthInIndia();
  beforeAll(async () => {
    api = await startApi(storeConfig());
    api.clock.advanceMinutes(Math.round((noon.getTime() - Date.now()) / 60_000));
    ({ apiKey: key } = await api.newSeller());
  }, 90_000);
  afterAll(() => api.close());

  const post = (path: string, body: object = {}, as = key) => api.http().post(path).set('authorization', `Bearer ${as}`).send(body);
  const get = (path: string, as = key) => api.http().get(path).set('authorization', `Bearer ${as}`);

  type Kind = 'b2b' | 'b2cl' | 'b2cs';
  interface Placed { orderId: string; kind: Kind; totals: Totals; invoiceNumber: string; cancelled: boolean; position: string }

  /** One order invoiced (and cancelled, if asked) through the API; its invoice totals as the order reports them. */
  async function invoiced(kind: Kind, changes: Record<string, unknown>, options: { cancel?: boolean; as?: string } = {}): Promise<Placed> {
    const as = options.as ?? key;
    const { sellerId: _s, orderId: _o, ...body } = { ...orderInput('ignored'), ...changes };
    const orderId = (await post('/v1/orders', body, as).expect(201)).body.orderId as string;
    const invoice = await post(`/v1/orders/${orderId}/invoice`, {}, as).expect(201);
    let position = invoice.body.position as string;
    if (options.cancel) position = (await post(`/v1/orders/${orderId}/cancel`, { reason: 'Buyer cancelled' }, as).expect(200)).body.position as string;
    const order = (await get(`/v1/orders/${orderId}?minPosition=${position}`, as).expect(200)).body;
    return { orderId, kind, totals: order.invoice.current.totals as Totals, invoiceNumber: invoice.body.invoiceNumber as string, cancelled: Boolean(options.cancel), position };
  }

  const bigSaree = [{ sku: 'SAREE-KANJI', name: 'Kanjivaram bridal saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 1_500_000_00, discountPaise: 0, taxRatePercent: 5 }];
  const b2bBuyer = (address: Address) => ({ buyer: { name: 'Utkarsh Traders', phone: '9123456780', gstin: '27AAPFU0939F1ZV' }, deliveryAddress: address });

  it('reports every section of a month to the invoices and credit notes behind it, and zips the same as CSV', async () => {
    const placed: Placed[] = [
      await invoiced('b2cs', { deliveryAddress: karnatakaBuyer }),
      await invoiced('b2cs', {}),
      await invoiced('b2cs', { deliveryAddress: chandigarhAddress }),
      await invoiced('b2cs', {}, { cancel: true }),
      await invoiced('b2cl', { items: bigSaree }),
      await invoiced('b2cl', { items: bigSaree }, { cancel: true }),
      await invoiced('b2b', b2bBuyer(orderInput('x').deliveryAddress)),
      await invoiced('b2b', b2bBuyer(orderInput('x').deliveryAddress), { cancel: true }),
    ];
    // A corrected copy keeps its number: it replaces the invoice in the return, it does not add one.
    const revised = await post(`/v1/orders/${placed[0]!.orderId}/invoice/regenerate`, { reason: 'Address typo', corrections: { deliveryAddress: { line1: '9 Church Street' } } }).expect(201);
    expect(revised.body.invoiceNumber).toBe(placed[0]!.invoiceNumber);

    const gstr1 = (await get(`/v1/gst/gstr1?period=${period}&minPosition=${revised.body.position}`).expect(200)).body;
    expect(gstr1).toMatchObject({ gstin: '29ABCDE1234F1ZW', period, returnPeriod: `${period.slice(5)}${period.slice(0, 4)}` });

    const expected = { b2b: none(), b2cl: none(), b2cs: none(), cdnr: none(), cdnur: none(), hsnB2b: none(), hsnB2c: none() };
    for (const order of placed) {
      add(expected[order.kind], order.totals);
      if (order.cancelled && order.kind !== 'b2cs') add(expected[order.kind === 'b2b' ? 'cdnr' : 'cdnur'], order.totals);
      if (order.cancelled && order.kind === 'b2cs') add(expected.b2cs, order.totals, -1);
      const hsn = expected[order.kind === 'b2b' ? 'hsnB2b' : 'hsnB2c'];
      add(hsn, order.totals, 1, false);
      if (order.cancelled) add(hsn, order.totals, -1, false);
    }
    for (const name of ['b2b', 'b2cl', 'b2cs', 'cdnr', 'cdnur'] as const) {
      expect({ name, ...gstr1.sections[name].totals }).toEqual({ name, ...expected[name] });
    }
    for (const name of ['hsnB2b', 'hsnB2c'] as const) {
      const { count: _rows, ...money } = gstr1.sections[name].totals as SectionTotals;
      const { count: _none, ...wanted } = expected[name];
      expect({ name, ...money }).toEqual({ name, ...wanted });
    }

    // One row per document and rate: two documents each, every one with goods at 5 % and shipping at 18 %.
    expect([gstr1.sections.b2b, gstr1.sections.b2cl, gstr1.sections.cdnr, gstr1.sections.cdnur].map((s: { rows: unknown[] }) => s.rows.length)).toEqual([4, 4, 2, 2]);
    expect(gstr1.sections.b2cs.totals.count).toBe(5);
    const [b2bInvoice] = placed.filter((o) => o.kind === 'b2b');
    expect(gstr1.sections.b2b.rows).toContainEqual({
      'GSTIN/UIN of Recipient': '27AAPFU0939F1ZV',
      'Receiver Name': 'Utkarsh Traders',
      'Invoice Number': b2bInvoice!.invoiceNumber,
      'Invoice date': expect.stringMatching(/^15-[A-Z][a-z]{2}-\d{4}$/),
      'Invoice Value': b2bInvoice!.totals.grandTotalPaise / 100,
      'Place Of Supply': '27-Maharashtra',
      'Reverse Charge': 'N',
      'Applicable % of Tax Rate': '',
      'Invoice Type': 'Regular B2B',
      'E-Commerce GSTIN': '',
      Rate: 5,
      'Taxable Value': expect.any(Number),
      'Cess Amount': 0,
    });
    // The cancelled large inter-state sale: its saree at 5 % and its shipping at 18 %.
    expect(gstr1.sections.cdnur.rows.map((r: { 'UR Type': string; Rate: number }) => `${r['UR Type']} ${r.Rate}`)).toEqual(['B2CL 5', 'B2CL 18']);
    expect(gstr1.sections.b2cs.rows.map((r: { 'Place Of Supply': string; Rate: number }) => `${r['Place Of Supply']} ${r.Rate}`)).toEqual(
      expect.arrayContaining(['04-Chandigarh 5', '27-Maharashtra 5', '27-Maharashtra 18', '29-Karnataka 5', '29-Karnataka 18']),
    );
    expect(gstr1.sections.hsnB2c.rows.map((r: { HSN: string; UQC: string }) => `${r.HSN} ${r.UQC}`)).toEqual(expect.arrayContaining(['5007 NOS-NUMBERS', '6214 NOS-NUMBERS', '9965 NA']));
    const invoiceNumbers = placed.map((o) => o.invoiceNumber).sort();
    expect(gstr1.sections.docs.rows).toEqual([
      { 'Nature of Document': 'Invoices for outward supply', 'Sr. No. From': invoiceNumbers[0], 'Sr. No. To': invoiceNumbers.at(-1), 'Total Number': placed.length, Cancelled: 0 },
      { 'Nature of Document': 'Credit Note', 'Sr. No. From': expect.any(String), 'Sr. No. To': expect.any(String), 'Total Number': placed.filter((o) => o.cancelled).length, Cancelled: 0 },
    ]);

    const zip = await get(`/v1/gst/gstr1?period=${period}&format=csv`).buffer(true).parse(binaryBody as never).expect(200).expect('content-type', 'application/zip');
    expect(zip.headers['content-disposition']).toBe(`attachment; filename="GSTR1_29ABCDE1234F1ZW_${gstr1.returnPeriod}.zip"`);
    const files = unzipSync(new Uint8Array(zip.body as Buffer));
    expect(Object.keys(files).sort()).toEqual(['b2b.csv', 'b2cl.csv', 'b2cs.csv', 'cdnr.csv', 'cdnur.csv', 'docs.csv', 'hsn(b2b).csv', 'hsn(b2c).csv']);
    for (const section of Object.values(gstr1.sections) as Array<{ file: string; columns: string[]; rows: unknown[] }>) {
      const lines = strFromU8(files[section.file]!).trimEnd().split('\r\n');
      expect(lines[0]).toBe(section.columns.map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));
      expect(lines).toHaveLength(section.rows.length + 1);
    }
    const b2bCsv = strFromU8(files['b2b.csv']!).split('\r\n');
    expect(b2bCsv).toContainEqual(expect.stringContaining(`27AAPFU0939F1ZV,Utkarsh Traders,${b2bInvoice!.invoiceNumber},`));
    expect(b2bCsv[1]).toMatch(/,\d+\.\d{2},27-Maharashtra,N,,Regular B2B,,5,\d+\.\d{2},0\.00$/);
  }, 120_000);

  it('reports an intra-UT supply with UTGST in the State/UT tax, and only to the seller who made it', async () => {
    const registered = await api.http().post('/v1/sellers').set('authorization', `Bearer ${api.platformKey}`).send({ profile: chandigarhSellerProfile(), settings: { invoicePrefix: 'CHD/' } }).expect(201);
    const chandigarhKey = registered.body.apiKey as string;
    const order = await invoiced('b2b', { buyer: { name: 'Sector 17 Stores', phone: '9876012345', gstin: '04AABCT3518Q1Z4' }, deliveryAddress: chandigarhAddress }, { as: chandigarhKey });
    expect(order.totals.utgstPaise).toBeGreaterThan(0);

    const gstr1 = (await get(`/v1/gst/gstr1?period=${period}&minPosition=${order.position}`, chandigarhKey).expect(200)).body;
    expect(gstr1.gstin).toBe(chandigarhSellerProfile().gstin);
    expect(gstr1.sections.b2b.totals).toMatchObject({ count: 1, cgstPaise: order.totals.cgstPaise, stateUtTaxPaise: order.totals.utgstPaise, igstPaise: 0 });
    expect(gstr1.sections.b2b.rows[0]['Place Of Supply']).toBe('04-Chandigarh');
    expect(gstr1.sections.hsnB2b.totals.stateUtTaxPaise).toBe(order.totals.utgstPaise);

    const karnataka = (await get(`/v1/gst/gstr1?period=${period}`).expect(200)).body;
    expect(karnataka.sections.b2b.rows.map((r: { 'Invoice Number': string }) => r['Invoice Number'])).not.toContain(order.invoiceNumber);
    // Another GSTIN than the caller's own registration finds nothing of theirs.
    expect((await get(`/v1/gst/gstr1?period=${period}&gstin=${chandigarhSellerProfile().gstin}`).expect(200)).body.sections.b2b.rows).toEqual([]);
  }, 60_000);

  it('refuses a malformed, pre-GST or future period and a bad GSTIN with a problem, and strangers with 401', async () => {
    for (const [query, detail] of [
      ['period=2026-13', /period: must be a month as YYYY-MM/],
      ['period=2017-06', /period: must be 2017-07 or later/],
      ['period=2999-01', /period: is a month that has not begun/],
      [`period=${period}&format=xml`, /format/],
      [`period=${period}&gstin=29ABCDE1234F1Z5`, /gstin: fails its check character/],
    ] as const) {
      const refused = await get(`/v1/gst/gstr1?${query}`).expect(400).expect('content-type', /application\/problem\+json/);
      expect(refused.body.detail).toMatch(detail);
    }
    await get('/v1/gst/gstr1').expect(400);
    await api.http().get(`/v1/gst/gstr1?period=${period}`).expect(401);
  });
});
