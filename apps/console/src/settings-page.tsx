import { useEffect, useState } from 'preact/hooks';
import { api, type Problem } from './api';
import { ProblemView, problemOf } from './problem-view';
import { DELIVERY_CATEGORIES, type DeliveryCategory } from './types';

interface PackageSettings {
  weightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

interface SellerView {
  sellerId: string;
  profile: { legalName: string; gstin: string; stateCode: string; pickupAddress: { line1: string; city: string; pincode: string } };
  settings: { autoInvoice?: boolean; autoManifest?: boolean; invoicePrefix?: string; defaultShippingMode?: 'on-network' | 'off-network'; defaultPackage?: PackageSettings; whatsappNumber?: string; deliveryCategory?: DeliveryCategory; maxSurgeFeePaise?: number };
  pendingWhatsAppNumber?: { number: string; expiresAt: string };
}

interface Form {
  legalName: string;
  autoInvoice: boolean;
  autoManifest: boolean;
  invoicePrefix: string;
  defaultShippingMode: string;
  deliveryCategory: string;
  /** Rupees, as the seller types them; sent as paise. */
  maxSurgeFeeRupees: string;
  weightGrams: string;
  lengthCm: string;
  widthCm: string;
  heightCm: string;
  whatsappNumber: string;
}

const formOf = (seller: SellerView): Form => ({
  legalName: seller.profile.legalName,
  autoInvoice: seller.settings.autoInvoice ?? false,
  autoManifest: seller.settings.autoManifest ?? false,
  invoicePrefix: seller.settings.invoicePrefix ?? '',
  defaultShippingMode: seller.settings.defaultShippingMode ?? '',
  deliveryCategory: seller.settings.deliveryCategory ?? '',
  maxSurgeFeeRupees: ((seller.settings.maxSurgeFeePaise ?? 0) / 100).toFixed(2),
  weightGrams: String(seller.settings.defaultPackage?.weightGrams ?? ''),
  lengthCm: String(seller.settings.defaultPackage?.lengthCm ?? ''),
  widthCm: String(seller.settings.defaultPackage?.widthCm ?? ''),
  heightCm: String(seller.settings.defaultPackage?.heightCm ?? ''),
  whatsappNumber: seller.settings.whatsappNumber ?? '',
});

type Errors = Partial<Record<keyof Form | 'defaultPackage', string>>;

/** The same bounds the API's SellerSettingsDto and PackageDto hold, checked before sending. */
export function validate(form: Form): Errors {
  const errors: Errors = {};
  if (form.legalName.trim().length < 1 || form.legalName.length > 200) errors.legalName = 'must be 1 to 200 characters';
  if (form.invoicePrefix.length < 1 || form.invoicePrefix.length > 11) errors.invoicePrefix = 'must be 1 to 11 characters';
  const numbers = [form.weightGrams, form.lengthCm, form.widthCm, form.heightCm];
  if (numbers.some((n) => n !== '')) {
    const weight = Number(form.weightGrams);
    if (!Number.isInteger(weight) || weight < 1 || weight > 50_000) errors.weightGrams = 'must be a whole number of grams from 1 to 50000';
    for (const key of ['lengthCm', 'widthCm', 'heightCm'] as const) {
      const value = Number(form[key]);
      if (form[key] === '' || !Number.isFinite(value) || value < 0.1 || value > 200) errors[key] = 'must be from 0.1 to 200 cm';
    }
  }
  if (!/^[0-9]{1,5}(\.[0-9]{1,2})?$/.test(form.maxSurgeFeeRupees.trim()) || Number(form.maxSurgeFeeRupees) > 10_000) errors.maxSurgeFeeRupees = 'must be rupees from 0 to 10000, at most two decimals';
  if (form.whatsappNumber !== '' && !/^[0-9]{10,15}$/.test(form.whatsappNumber)) errors.whatsappNumber = 'must be 10 to 15 digits, country code first (91…)';
  return errors;
}

function Input({ id, label, value, error, onInput, ...rest }: { id: keyof Form; label: string; value: string; error: string | undefined; onInput: (value: string) => void; inputMode?: 'numeric' | 'decimal' }) {
  return (
    <div class="field">
      <label for={`s-${id}`}>{label}</label>
      <input id={`s-${id}`} name={id} value={value} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `s-${id}-error` : undefined} onInput={(e) => onInput(e.currentTarget.value)} {...rest} />
      {error && (
        <p class="field-error" id={`s-${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SettingsPage() {
  const [seller, setSeller] = useState<SellerView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState('');
  const [code, setCode] = useState('');

  useEffect(() => {
    api<SellerView>('/v1/seller')
      .then((s) => {
        setSeller(s);
        setForm(formOf(s));
      })
      .catch((error: unknown) => setProblem(problemOf(error)));
  }, []);

  if (!form || !seller) {
    return (
      <section aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        {problem ? <ProblemView problem={problem} /> : <p aria-busy="true">Loading…</p>}
      </section>
    );
  }
  const set = (key: keyof Form) => (value: string | boolean) => setForm({ ...form, [key]: value });

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved('');
    setProblem(null);
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const hasPackage = form.weightGrams !== '';
    try {
      const answer = await api<SellerView>('/v1/seller', {
        method: 'PATCH',
        body: {
          profile: { legalName: form.legalName.trim() },
          settings: {
            autoInvoice: form.autoInvoice,
            autoManifest: form.autoManifest,
            invoicePrefix: form.invoicePrefix,
            ...(form.defaultShippingMode ? { defaultShippingMode: form.defaultShippingMode } : {}),
            ...(form.deliveryCategory ? { deliveryCategory: form.deliveryCategory } : {}),
            maxSurgeFeePaise: Math.round(Number(form.maxSurgeFeeRupees.trim()) * 100),
            ...(hasPackage ? { defaultPackage: { weightGrams: Number(form.weightGrams), lengthCm: Number(form.lengthCm), widthCm: Number(form.widthCm), heightCm: Number(form.heightCm) } } : {}),
            ...(form.whatsappNumber && form.whatsappNumber !== seller.settings.whatsappNumber ? { whatsappNumber: form.whatsappNumber } : {}),
          },
        },
      });
      setSeller(answer);
      setForm(formOf(answer));
      setSaved('Settings saved.');
    } catch (error) {
      const found = problemOf(error);
      setProblem(found);
    }
  };

  const verify = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    try {
      const answer = await api<SellerView>('/v1/seller/whatsapp/verify', { method: 'POST', body: { code: code.trim() } });
      setSeller(answer);
      setForm(formOf(answer));
      setSaved('WhatsApp number confirmed.');
    } catch (error) {
      setProblem(problemOf(error));
    }
  };

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <p>
        Seller <code>{seller.sellerId}</code> · GSTIN {seller.profile.gstin} · pickup from {seller.profile.pickupAddress.line1}, {seller.profile.pickupAddress.city} {seller.profile.pickupAddress.pincode}
      </p>
      <form class="card settings" onSubmit={save} noValidate>
        <h2>Profile and settings</h2>
        <Input id="legalName" label="Legal name" value={form.legalName} error={errors.legalName} onInput={set('legalName')} />
        <div class="field check">
          <input id="s-autoInvoice" type="checkbox" checked={form.autoInvoice} onChange={(e) => set('autoInvoice')(e.currentTarget.checked)} />
          <label for="s-autoInvoice">Invoice new orders automatically</label>
        </div>
        <div class="field check">
          <input id="s-autoManifest" type="checkbox" checked={form.autoManifest} onChange={(e) => set('autoManifest')(e.currentTarget.checked)} />
          <label for="s-autoManifest">Create the shipment automatically once invoiced (auto manifest)</label>
        </div>
        <Input id="invoicePrefix" label="Invoice number prefix" value={form.invoicePrefix} error={errors.invoicePrefix} onInput={set('invoicePrefix')} />
        <div class="field">
          <label for="s-defaultShippingMode">Default shipping mode</label>
          <select id="s-defaultShippingMode" value={form.defaultShippingMode} onChange={(e) => set('defaultShippingMode')(e.currentTarget.value)}>
            <option value="">Not set</option>
            <option value="on-network">On-network (ONDC)</option>
            <option value="off-network">Off-network (own courier)</option>
          </select>
        </div>
        <div class="field">
          <label for="s-deliveryCategory">ONDC delivery category</label>
          <select id="s-deliveryCategory" value={form.deliveryCategory} onChange={(e) => set('deliveryCategory')(e.currentTarget.value)}>
            <option value="">Not set (the engine's default)</option>
            {DELIVERY_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <Input id="maxSurgeFeeRupees" label="Most surge fee an ONDC partner may charge (₹ before GST; 0: none)" inputMode="decimal" value={form.maxSurgeFeeRupees} error={errors.maxSurgeFeeRupees} onInput={set('maxSurgeFeeRupees')} />
        <fieldset>
          <legend>Default package</legend>
          <Input id="weightGrams" label="Weight (g)" inputMode="numeric" value={form.weightGrams} error={errors.weightGrams} onInput={set('weightGrams')} />
          <Input id="lengthCm" label="Length (cm)" inputMode="decimal" value={form.lengthCm} error={errors.lengthCm} onInput={set('lengthCm')} />
          <Input id="widthCm" label="Width (cm)" inputMode="decimal" value={form.widthCm} error={errors.widthCm} onInput={set('widthCm')} />
          <Input id="heightCm" label="Height (cm)" inputMode="decimal" value={form.heightCm} error={errors.heightCm} onInput={set('heightCm')} />
        </fieldset>
        <Input id="whatsappNumber" label="WhatsApp number" inputMode="numeric" value={form.whatsappNumber} error={errors.whatsappNumber} onInput={set('whatsappNumber')} />
        <button type="submit">Save settings</button>
        <p role="status" class="done">
          {saved}
        </p>
        <ProblemView problem={problem} />
      </form>
      {seller.pendingWhatsAppNumber && (
        <form class="card" onSubmit={verify}>
          <h2>Confirm WhatsApp number {seller.pendingWhatsAppNumber.number}</h2>
          <div class="field">
            <label for="s-code">6-digit code sent to it</label>
            <input id="s-code" inputMode="numeric" pattern="[0-9]{6}" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </div>
          <button type="submit">Confirm number</button>
        </form>
      )}
    </section>
  );
}
