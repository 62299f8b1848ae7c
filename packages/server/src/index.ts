export { createApp, type KopruApp } from './app.js';
export { ConfigError, loadConfig, type Config } from './config.js';
export type { AppDeps, Clock, IdGenerator, IceServerProvider } from './deps.js';
export { MemoryPresenceStore } from './presence/memory-store.js';
export type { PresenceStore, PresenceRecord, JoinOutcome } from './presence/store.js';
export { SessionTokens } from './session-token.js';
