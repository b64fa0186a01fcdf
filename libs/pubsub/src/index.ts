export * from './pubsub.js';
export * from './topics.js';
