export * from './gst-input-error';
export * from './indian-states';
export * from './gstin';
export * from './tax-computation';
export * from './amount-in-words';
export * from './financial-year';
export * from './gst-rates-in-force';
