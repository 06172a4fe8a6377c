export * from './errors';
export * from './description';
