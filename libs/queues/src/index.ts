export * from './contract.js';
export * from './queues.js';
export * from './redis.js';
