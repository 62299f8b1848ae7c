import { z } from 'zod';

// zod 4 compiles object parsers with `new Function` unless told not to; our CSP (script-src 'self')
// forbids eval, and even zod's feature probe would be reported as a CSP violation. This module must be
// imported before any schema is built (first import in main.tsx), because zod reads the flag at build time.
z.config({ jitless: true });
