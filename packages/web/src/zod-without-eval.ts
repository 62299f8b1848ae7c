import { z } from 'zod/v4';

// zod 4 compiles object parsers with `new Function` unless told not to; our CSP (script-src 'self')
// forbids eval, and even zod's feature probe would be reported as a CSP violation. zod reads the flag when
// a schema is built, so it must be set before any schema exists: vite.config.ts resolves every `zod` import
// of the web build (ours, the client's, the protocol's) to this module, which is therefore evaluated before
// any of them, whichever chunk they end up in.
z.config({ jitless: true });

export * from 'zod/v4';
