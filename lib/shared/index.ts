export * from './errors';
export * from './description';
export * from './alerts';
