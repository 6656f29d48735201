export * from './config';
export * from './problem-details';
export * from './problem-details.filter';
export * from './validation';
export * from './metrics';
export * from './logging';
export * from './graceful-shutdown';
export * from './route-audience';
