export * from './errors.js';
export * from './events.js';
export * from './ice.js';
export * from './ids.js';
export * from './limits.js';
export * from './peer-messages.js';
export * from './presence.js';
export * from './signal.js';
