export { createApp, type KopruApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export type { AppDeps, Clock, IceServerProvider, IdGenerator } from './deps.js';
export { MemoryPresenceStore } from './presence/memory-store.js';
export type { JoinOutcome, PresenceRecord, PresenceStore } from './presence/store.js';
export { SessionTokens } from './session-token.js';
