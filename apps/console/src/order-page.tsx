import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, apiBlob, apiForm, apiUpload, type Problem } from './api';
import { label, rupees, when } from './format';
import { usePolling } from './polling';
import { ActionForm, Field, Section } from './action-form';
import { IssuesSection } from './issues-section';
import { ProblemView, problemOf } from './problem-view';
import { DELIVERY_CATEGORIES, type CancellationReason, type DeliveryCategory, type OndcMessage, type OrderDetail, type OrderWayForward, type ShipmentIssue, type ShipmentView, type WayForward, type WhatsAppMessage, type Written } from './types';

/** Who caused an event, from its actor and channel. */
export function causedBy(actorType: string | null | undefined, channel: string | null | undefined): string {
  if (actorType === 'seller') return channel === 'whatsapp' ? 'Seller over WhatsApp' : 'Seller over HTTP';
  if (actorType === 'ondc-partner') return 'Partner over ONDC';
  // The adapter records what a partner reported over ONDC, and its own automatic steps (search, choice).
  if (actorType === 'ondc-logistics') return channel === 'ondc' ? 'Partner over ONDC (recorded by the adapter)' : 'ONDC adapter (automatic)';
  if (actorType === 'platform') return 'Platform operator';
  if (actorType === 'system') return channel === 'whatsapp' ? 'Automatic step (WhatsApp)' : 'Automatic step';
  return label(actorType);
}

interface Document {
  name: string;
  path: string;
  query?: Record<string, string>;
}

function documentsOf(order: OrderDetail): Document[] {
  const base = `/v1/orders/${encodeURIComponent(order.orderId)}`;
  const docs: Document[] = [];
  if (order.invoice) {
    for (const revision of order.invoice.revisions) {
      docs.push({ name: `Tax invoice ${revision.invoiceNumber} (revision ${revision.revision}, supplier's copy)`, path: `${base}/invoice.pdf`, query: { revision: String(revision.revision) } });
    }
    docs.push({ name: 'Customer copy (original for recipient)', path: `${base}/tax-invoice.pdf` });
    docs.push({ name: 'Transporter copy (duplicate for transporter)', path: `${base}/transporter-invoice.pdf` });
    for (const note of order.invoice.creditNotes) docs.push({ name: `Credit note ${note.creditNoteNumber}`, path: `${base}/credit-notes/${encodeURIComponent(note.creditNoteNumber)}.pdf` });
  }
  for (const shipment of order.shipments) {
    if (shipment.status !== 'created' && shipment.status !== 'cancelled') docs.push({ name: `Shipping label ${shipment.shipmentId}`, path: `${base}/shipments/${encodeURIComponent(shipment.shipmentId)}/label.pdf` });
  }
  return docs;
}

const kilograms = (grams: number): string => `${(grams / 1000).toFixed(grams % 100 === 0 ? 1 : 2)} kg`;

/**
 * A partner's weight differential on a shipment: what it measured against what was declared, the
 * charge and its GST, and (while pending) the seller's two answers. A fact beside the journey, like
 * a package photo: it is no step of the order's ways forward.
 */
function WeightDifferential({ order, shipment, onDone }: { order: OrderDetail; shipment: ShipmentView; onDone: (written: Written, name: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const d = shipment.weightDifferential;
  if (!d) return null;
  const path = `/v1/orders/${encodeURIComponent(order.orderId)}/shipments/${encodeURIComponent(shipment.shipmentId)}/weight-differential`;
  const post = (to: string, body: unknown = {}) => api<Written>(`${path}/${to}`, { method: 'POST', body });
  return (
    <div class="differential" data-testid="weight-differential">
      <p>
        Weight differential: declared {kilograms(d.declaredWeightGrams)}, the partner measured {kilograms(d.measuredWeightGrams)}; charge {rupees(d.amountPaise)} + GST {rupees(d.taxPaise)} ·{' '}
        <span class="badge" data-testid="weight-differential-status">{label(d.status)}</span>
        {d.proofUrl && (
          <>
            {' · '}
            <a href={d.proofUrl} target="_blank" rel="noreferrer">
              proof
            </a>
          </>
        )}
        {d.disputeReason && ` · ${d.disputeReason}`}
      </p>
      {d.status === 'pending' && (
        <div class="actions">
          <ActionForm name="Accept the weight charge" onDone={onDone} submit={() => post('accept')} />
          <ActionForm name="Dispute the weight charge" danger onDone={onDone} submit={() => post('dispute', reason.trim() ? { reason: reason.trim() } : {})}>
            <Field id={`a-dispute-${shipment.shipmentId}`} label="Why (optional)">
              <input id={`a-dispute-${shipment.shipmentId}`} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </Field>
          </ActionForm>
        </div>
      )}
    </div>
  );
}

/**
 * The order's actions are the steps the API names as allowed now: the order's own (`allowed`) and
 * its current shipment's, both from the domain's ways forward, so the page offers no step of its own.
 */
function Actions({ order, onDone }: { order: OrderDetail; onDone: (written: Written, name: string) => Promise<void> }) {
  const [invoiceNumber, setInvoiceNumber] = useState('');
  const [reason, setReason] = useState('');
  const [buyerName, setBuyerName] = useState('');
  const [mode, setMode] = useState<'on-network' | 'off-network'>('off-network');
  const [category, setCategory] = useState<DeliveryCategory | ''>('');
  const [courier, setCourier] = useState('');
  const [tracking, setTracking] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [packageImage, setPackageImage] = useState<File | null>(null);
  const [otp, setOtp] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [cancelCode, setCancelCode] = useState('');
  const [shipmentCancelCode, setShipmentCancelCode] = useState('');
  const reasons = useCancellationReasons();
  const [reshipReason, setReshipReason] = useState('returned');
  const base = `/v1/orders/${encodeURIComponent(order.orderId)}`;
  // Only the current shipment has steps; earlier ones answer an empty list.
  const shipment: ShipmentView | undefined = order.shipments.find((s) => s.shipmentId === order.currentShipmentId) ?? order.shipments[order.shipments.length - 1];
  const shipmentBase = shipment ? `${base}/shipments/${encodeURIComponent(shipment.shipmentId)}` : '';
  const may = (way: OrderWayForward) => order.allowed.includes(way);
  const shipmentMay = (way: WayForward) => shipment?.allowed.includes(way) ?? false;
  const post = (path: string, body: unknown = {}) => api<Written>(path, { method: 'POST', body });
  const forms: ComponentChildren[] = [];

  if (may('generate-invoice')) {
    forms.push(
      <ActionForm key="invoice" name="Generate invoice" onDone={onDone} submit={() => post(`${base}/invoice`, invoiceNumber.trim() ? { invoiceNumber: invoiceNumber.trim() } : {})}>
        <Field id="a-invoice-number" label="Invoice number (empty: next of your series)">
          <input id="a-invoice-number" maxLength={16} pattern="[A-Za-z0-9\/\-]{1,16}" value={invoiceNumber} onInput={(e) => setInvoiceNumber(e.currentTarget.value)} />
        </Field>
      </ActionForm>,
    );
  }
  if (may('regenerate-invoice')) {
    forms.push(
      <ActionForm
        key="regenerate"
        name="Regenerate invoice"
        onDone={onDone}
        submit={() => post(`${base}/invoice/regenerate`, { reason: reason.trim(), corrections: buyerName.trim() ? { buyer: { name: buyerName.trim() } } : {} })}
      >
        <Field id="a-regen-reason" label="Reason">
          <input id="a-regen-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <Field id="a-regen-buyer" label="Corrected buyer name (optional)">
          <input id="a-regen-buyer" maxLength={200} value={buyerName} onInput={(e) => setBuyerName(e.currentTarget.value)} />
        </Field>
      </ActionForm>,
    );
  }
  if (may('create-shipment')) {
    forms.push(
      <ActionForm key="ship" name="Ship now" onDone={onDone} submit={() => post(`${base}/shipments`, { mode, ...(mode === 'on-network' && category ? { deliveryCategory: category } : {}) })}>
        <Field id="a-mode" label="Shipping mode">
          <select id="a-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as 'on-network' | 'off-network')}>
            <option value="off-network">Off-network (own courier)</option>
            <option value="on-network">On-network (ONDC partner)</option>
          </select>
        </Field>
        {mode === 'on-network' && (
          <Field id="a-category" label="Delivery category">
            <select id="a-category" value={category} onChange={(e) => setCategory(e.currentTarget.value as DeliveryCategory | '')}>
              <option value="">Your default</option>
              {DELIVERY_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </Field>
        )}
      </ActionForm>,
    );
  }
  if (shipment?.takesPackageImages) {
    forms.push(
      <ActionForm key="image" name="Upload package image" onDone={onDone} submit={() => (packageImage ? apiUpload<Written>(`${shipmentBase}/package-images`, packageImage) : Promise.reject(new Error('Choose a photo first')))}>
        <Field id="a-package-image" label="Photo of the packed parcel (JPEG, PNG or WebP, 5 MB at most)">
          <input id="a-package-image" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setPackageImage(e.currentTarget.files?.[0] ?? null)} />
        </Field>
      </ActionForm>,
    );
  }
  if (shipmentMay('ready-to-ship')) forms.push(<ActionForm key="rts" name="Ready to ship" onDone={onDone} submit={() => post(`${shipmentBase}/ready-to-ship`)} />);
  if (shipmentMay('retry-partner-search')) forms.push(<ActionForm key="retry" name="Search for a partner again" onDone={onDone} submit={() => post(`${shipmentBase}/retry-partner-search`)} />);
  if (shipmentMay('switch-to-off-network')) forms.push(<ActionForm key="switch" name="Switch to off-network" onDone={onDone} submit={() => post(`${shipmentBase}/switch-to-off-network`)} />);
  if (shipmentMay('reattempt')) forms.push(<ActionForm key="reattempt" name="Re-attempt" onDone={onDone} submit={() => post(`${shipmentBase}/reattempt`)} />);
  if (shipmentMay('return-to-origin')) forms.push(<ActionForm key="rto" name="Return to me" onDone={onDone} submit={() => post(`${shipmentBase}/return-to-origin`)} />);
  if (shipmentMay('ship')) {
    forms.push(
      <ActionForm
        key="shipped"
        name="Mark shipped"
        onDone={onDone}
        submit={() =>
          photos.length
            ? apiForm<Written>(`${shipmentBase}/ship`, { courierName: courier.trim(), trackingNumber: tracking.trim() }, photos.map((file) => ({ field: 'images', file })))
            : post(`${shipmentBase}/ship`, { courierName: courier.trim(), trackingNumber: tracking.trim() })
        }
      >
        <Field id="a-courier" label="Courier">
          <input id="a-courier" required maxLength={100} value={courier} onInput={(e) => setCourier(e.currentTarget.value)} />
        </Field>
        <Field id="a-tracking" label="Tracking number">
          <input id="a-tracking" required minLength={3} maxLength={40} value={tracking} onInput={(e) => setTracking(e.currentTarget.value)} />
        </Field>
        <Field id="a-photos" label="Photos (up to 5)">
          <input id="a-photos" type="file" multiple accept="image/jpeg,image/png,image/webp" onChange={(e) => setPhotos([...(e.currentTarget.files ?? [])].slice(0, 5))} />
        </Field>
      </ActionForm>,
    );
  }
  if (shipmentMay('verify-delivery-otp')) {
    forms.push(
      <ActionForm key="otp" name="Confirm delivery" onDone={onDone} submit={() => post(`${shipmentBase}/delivery-otp/verify`, { otp: otp.trim() })}>
        <Field id="a-otp" label="Delivery OTP from the buyer">
          <input id="a-otp" required inputMode="numeric" pattern="[0-9]{4,8}" autocomplete="one-time-code" value={otp} onInput={(e) => setOtp(e.currentTarget.value)} />
        </Field>
      </ActionForm>,
    );
  }
  if (shipmentMay('resend-delivery-otp')) forms.push(<ActionForm key="resend" name="Send the buyer a new OTP" onDone={onDone} submit={() => post(`${shipmentBase}/delivery-otp/resend`)} />);
  if (shipmentMay('record-failed-attempt')) forms.push(<ActionForm key="failed-attempt" name="Delivery failed" onDone={onDone} submit={() => post(`${shipmentBase}/failed-attempts`, { reason: 'The courier could not deliver' })} />);
  if (shipmentMay('record-returned')) forms.push(<ActionForm key="returned" name="Parcel came back" onDone={onDone} submit={() => post(`${shipmentBase}/returned`, { reason: 'The courier brought the parcel back' })} />);
  if (shipmentMay('cancel-shipment')) {
    forms.push(
      <ActionForm key="cancel-shipment" name="Cancel this shipment" danger onDone={onDone} submit={() => post(`${shipmentBase}/cancel`, { reasonCode: shipmentCancelCode })}>
        <Field id="a-cancel-shipment-code" label="Why the shipment is cancelled">
          <ReasonSelect id="a-cancel-shipment-code" reasons={reasons} value={shipmentCancelCode} onChange={setShipmentCancelCode} />
        </Field>
      </ActionForm>,
    );
  }
  if (shipmentMay('reship')) {
    forms.push(
      <ActionForm key="reship" name="Reship" onDone={onDone} submit={() => post(`${base}/reship`, { reason: reshipReason })}>
        <Field id="a-reship-reason" label="Why">
          <select id="a-reship-reason" value={reshipReason} onChange={(e) => setReshipReason(e.currentTarget.value)}>
            {['returned', 'lost', 'damaged', 'cancelled', 'other'].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
      </ActionForm>,
    );
  }
  if (may('cancel-order')) {
    forms.push(
      <ActionForm key="cancel" name="Cancel order" danger onDone={onDone} submit={() => post(`${base}/cancel`, { reasonCode: cancelCode, ...(cancelReason.trim() ? { reason: cancelReason.trim() } : {}) })}>
        <Field id="a-cancel-code" label="Why the order is cancelled">
          <ReasonSelect id="a-cancel-code" reasons={reasons} value={cancelCode} onChange={setCancelCode} />
        </Field>
        <Field id="a-cancel-reason" label="In your words (optional)">
          <input id="a-cancel-reason" maxLength={500} value={cancelReason} onInput={(e) => setCancelReason(e.currentTarget.value)} />
        </Field>
      </ActionForm>,
    );
  }
  return forms.length ? <div class="actions">{forms}</div> : <p>Nothing to do: this order needs no action from you.</p>;
}

/** The reasons a seller may give, from the API (the domain's list), fetched once per page. */
function useCancellationReasons(): CancellationReason[] {
  const [reasons, setReasons] = useState<CancellationReason[]>([]);
  useEffect(() => {
    api<{ reasons: CancellationReason[] }>('/v1/cancellation-reasons')
      .then((r) => setReasons(r.reasons))
      // Without the list the select stays empty and required: nothing is cancelled for want of a reason.
      .catch(() => setReasons([]));
  }, []);
  return reasons;
}

const SIDE_LABELS: Record<CancellationReason['side'], string> = { buyer: 'The buyer', merchant: 'You (the merchant)' };

/** Buyer-side and merchant-side reasons, grouped; one must be chosen. */
function ReasonSelect({ id, reasons, value, onChange }: { id: string; reasons: CancellationReason[]; value: string; onChange: (code: string) => void }) {
  return (
    <select id={id} required value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">Choose a reason</option>
      {(['buyer', 'merchant'] as const).map((side) => (
        <optgroup key={side} label={SIDE_LABELS[side]}>
          {reasons
            .filter((r) => r.side === side)
            .map((r) => (
              <option key={r.code} value={r.code}>
                {r.text}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

function DocumentPreview({ docs }: { docs: Document[] }) {
  const [open, setOpen] = useState<{ name: string; url: string } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => () => (open ? URL.revokeObjectURL(open.url) : undefined), [open]);
  if (docs.length === 0) return <p>No documents yet: the invoice comes first.</p>;
  const show = async (doc: Document) => {
    setProblem(null);
    try {
      setOpen({ name: doc.name, url: URL.createObjectURL(await apiBlob(doc.path, doc.query)) });
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <>
      <ul class="docs">
        {docs.map((doc) => (
          <li key={`${doc.path}?${doc.query?.['revision'] ?? ''}`}>
            <button type="button" class="link" aria-pressed={open?.name === doc.name} onClick={() => show(doc)}>
              {doc.name}
            </button>
          </li>
        ))}
      </ul>
      <ProblemView problem={problem} />
      {open && (
        <figure class="preview">
          <figcaption>
            {open.name} ·{' '}
            <a href={open.url} download={`${open.name.replace(/[^A-Za-z0-9]+/g, '-')}.pdf`}>
              Download
            </a>
          </figcaption>
          <iframe class="pdf" title={`Preview: ${open.name}`} src={open.url} />
        </figure>
      )}
    </>
  );
}

export function OrderPage({ orderId }: { orderId: string }) {
  const [order, setOrder] = useState<OrderDetail | null>(null);
  const [ondc, setOndc] = useState<OndcMessage[]>([]);
  const [whatsapp, setWhatsapp] = useState<WhatsAppMessage[]>([]);
  const [issues, setIssues] = useState<ShipmentIssue[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const path = `/v1/orders/${encodeURIComponent(orderId)}`;

  const load = async (minPosition?: string) => {
    const fresh = { query: minPosition ? { minPosition } : {} };
    const [detail, messages, chats, raised] = await Promise.all([
      api<OrderDetail>(path, fresh),
      api<{ messages: OndcMessage[] }>(`${path}/ondc-messages`),
      api<{ messages: WhatsAppMessage[] }>(`${path}/whatsapp-messages`, fresh),
      api<{ issues: ShipmentIssue[] }>(`${path}/issues`, fresh),
    ]);
    setOrder(detail);
    setOndc(messages.messages);
    setWhatsapp(chats.messages);
    setIssues(raised.issues);
  };

  useEffect(() => {
    setOrder(null);
    setProblem(null);
    setDone(null);
    load().catch((error: unknown) => setProblem(problemOf(error)));
  }, [orderId]);
  usePolling(() => load(), 2000, [orderId]);

  // An action's result is announced only once the read models include its write (minPosition).
  const onDone = async (written: Written, name: string) => {
    setDone(null);
    await load(written.position ?? undefined);
    setDone(`${name}: done${written.events?.length ? ` (${written.events.join(', ')})` : ''}`);
  };

  if (problem) {
    return (
      <section aria-labelledby="order-title">
        <h1 id="order-title">Order {orderId}</h1>
        <ProblemView problem={problem} />
        <p>
          <a href="#/orders">Back to orders</a>
        </p>
      </section>
    );
  }
  if (!order) return <p aria-busy="true">Loading order {orderId}…</p>;
  return (
    <section aria-labelledby="order-title">
      <p>
        <a href="#/orders">← Orders</a>
      </p>
      <h1 id="order-title">
        Order {order.orderId} <span class={`badge s-${order.status}`} data-testid="order-status">{label(order.status)}</span>
      </h1>
      <p role="status" class="done">
        {done}
      </p>
      <div class="grid">
        <Section id="summary-title" title="Summary">
          <dl class="facts">
            <dt>Buyer</dt>
            <dd>
              {order.buyer.name}, {order.buyer.phone}
            </dd>
            <dt>Deliver to</dt>
            <dd>
              {order.deliveryAddress.line1}, {order.deliveryAddress.city} {order.deliveryAddress.pincode}
            </dd>
            <dt>Payment</dt>
            <dd>{label(order.paymentMethod)}</dd>
            <dt>Total</dt>
            <dd>{rupees(order.invoice?.current.totals.grandTotalPaise ?? order.orderTotalPaise)}</dd>
            <dt>Invoice</dt>
            <dd>{order.invoice ? `${order.invoice.current.invoiceNumber} (revision ${order.invoice.current.revision})` : 'not yet'}</dd>
            <dt>Received</dt>
            <dd>{when(order.receivedAt)}</dd>
          </dl>
          <div class="table-wrap">
          <table class="items">
            <caption class="visually-hidden">Items</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" class="num">
                  Qty
                </th>
                <th scope="col" class="num">
                  Price
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr key={item.sku}>
                  <td>{item.name}</td>
                  <td class="num">{item.quantity}</td>
                  <td class="num">{rupees(item.unitPricePaise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </Section>
        <Section id="actions-title" title="Actions">
          <Actions order={order} onDone={onDone} />
        </Section>
      </div>
      <Section id="shipments-title" title="Shipments">
        {order.shipments.length === 0 ? (
          <p>No shipment yet.</p>
        ) : (
          <ul class="shipments">
            {order.shipments.map((s) => (
              <li key={s.shipmentId} data-shipment-id={s.shipmentId}>
                <strong>{s.shipmentId}</strong> · {label(s.mode)} · <span class="badge" data-testid="shipment-status">{label(s.status)}</span>
                {s.partner && ` · partner ${s.partner.name}${s.partner.awb ? `, AWB ${s.partner.awb}` : ''}${s.partner.surgeFeePaise ? `, surge ${rupees(s.partner.surgeFeePaise)} incl. GST` : ''}`}
                {s.courier && ` · ${s.courier.name}${s.courier.trackingNumber ? ` ${s.courier.trackingNumber}` : ''}`}
                {s.imageCount > 0 && ` · ${s.imageCount} ${s.imageCount === 1 ? 'photo' : 'photos'}`}
                {s.reshipOf && ` · reship of ${s.reshipOf}`}
                {s.deliveryCategory && ` · ${s.deliveryCategory}`}
                {s.cancellationReason && (
                  <span class="sub" data-testid="cancellation-reason">
                    {` · cancelled by the ${s.cancelledBy ?? 'seller'}: ${s.cancellationReason.text}`}
                  </span>
                )}
                {s.codCollection && (
                  <span class={s.codCollection.mismatched ? 'sub warning' : 'sub'} data-testid="cod-collection">
                    {` · COD collected ${rupees(s.codCollection.collectedPaise)} of ${rupees(s.codCollection.duePaise)}${s.codCollection.mismatched ? ' (differs from the amount due)' : ''}`}
                  </span>
                )}
                <WeightDifferential order={order} shipment={s} onDone={onDone} />
              </li>
            ))}
          </ul>
        )}
      </Section>
      <IssuesSection order={order} issues={issues} onDone={onDone} />
      <Section id="story-title" title="Story">
        <ol class="timeline">
          {order.timeline.map((entry) => (
            <li key={entry.revision}>
              <time dateTime={entry.occurredAt}>{when(entry.occurredAt)}</time> <strong>{entry.eventType}</strong> — {causedBy(entry.actorType, entry.channel)}
              {entry.shipmentStatus && <span class="sub"> · shipment {label(entry.shipmentStatus)}</span>}
            </li>
          ))}
        </ol>
      </Section>
      <Section id="ondc-title" title="ONDC messages">
        {ondc.length === 0 ? (
          <p>None: this order has not been on the ONDC network.</p>
        ) : (
          <ol class="messages">
            {ondc.map((m) => (
              <li key={m.position}>
                <time dateTime={m.recordedAt}>{when(m.recordedAt)}</time> <strong>{m.type}</strong>
                {typeof m.data['action'] === 'string' && ` ${m.data['action']}`}
                {typeof m.data['bppId'] === 'string' && ` · ${m.data['bppId']}`}
                {typeof m.data['why'] === 'string' && ` · ${m.data['why']}`}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <Section id="whatsapp-title" title="WhatsApp messages">
        {whatsapp.length === 0 ? (
          <p>No WhatsApp message about this order yet.</p>
        ) : (
          <ol class="messages" data-testid="whatsapp-messages">
            {whatsapp.map((m, index) => (
              <li key={index}>
                <time dateTime={m.at}>{when(m.at)}</time> <strong>{m.direction === 'sent' ? `Sent to …${m.number.slice(-4)}` : `From …${m.number.slice(-4)}`}</strong> ({label(m.purpose)}, {label(m.phase)}): {m.text}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <Section id="docs-title" title="Documents">
        <DocumentPreview docs={documentsOf(order)} />
      </Section>
    </section>
  );
}
