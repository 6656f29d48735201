// The conversation of one shipment with the logistics network: its events, their fold, and the pure planner of its next step.
export * from './partner-policy';
export * from './conversation-events';
export * from './conversation-state';
export * from './partner-facts';
export * from './choose-partner';
export * from './steps';
export * from './plan-reports';
export * from './plan-issues';
export * from './plan-recon';
export * from './plan-conversation';
export * from './shipment-description';
