export * from './ondc-config';
export * from './ondc-logistics-adapter.module';
export * from './ondc-metrics';
export { ConversationDriver } from './driver/conversation-driver';
export { ConversationCache, loadConversation } from './driver/conversation-cache';
export { CallbackIntake } from './callbacks/callback-intake';
export { CALLBACK_INTAKE, PUBLIC_ROUTE_METADATA } from './callbacks/ondc-callbacks.controller';
export { ShipmentTracking } from './tracking/shipment-tracking';
export { SHIPMENT_TRACKING } from './tracking/tracking.controller';
