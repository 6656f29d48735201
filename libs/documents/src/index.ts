export * from './document-inputs';
export { DocumentInputError } from './document-input-error';
export { contentHash } from './pdf-renderer';
export { renderTaxInvoice } from './tax-invoice';
export { renderCreditNote } from './credit-note';
export { renderShippingLabels } from './shipping-label';
export * from './order-documents';
