export * from './lru.js';
export * from './response-cache.js';
