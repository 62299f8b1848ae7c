import type { Resources } from './en.js';

// i18next reads its keys from this declaration: `t('chat.sned')` or a key missing from `en.ts` fails the
// type-check at the call site (and `tr.ts` must have every key of `en.ts`, by its type).
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Resources };
    returnNull: false;
  }
}
