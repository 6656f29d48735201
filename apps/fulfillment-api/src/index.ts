export * from './fulfillment-api.module';
export * from './http-app';
export * from './api-root.module';
export { issueApiKey } from './auth/api-key';
export * from './whatsapp/whatsapp.module';
export * from './whatsapp/whatsapp.tokens';
export { READ_WAIT_LIMIT_MS } from './orders/read-your-writes';
export { ImageStore } from './uploads/image-store';
