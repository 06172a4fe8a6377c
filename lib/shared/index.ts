export * from './errors';
export * from './description';
export * from './alerts';
export * from './dashboard';
export * from './metric-names';
export * from './regions';
