export * from './arn';
export * from './errors';
export * from './load';
export * from './naming';
export * from './regions';
export type * from './types';
