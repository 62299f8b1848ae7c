import { CHAT_ERROR_CODES } from '@kopru/client';
import i18next from 'i18next';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { tr } from '../src/i18n/tr.js';

/** Every key path of a resource tree, `a.b.c`, sorted. */
function keyPaths(tree: object, prefix = ''): string[] {
  return Object.entries(tree)
    .flatMap(([key, value]) =>
      typeof value === 'object' && value !== null ? keyPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
    )
    .sort();
}

describe('i18n keys', () => {
  it('are checked where they are used (src/i18n/i18next.d.ts): a missing key does not compile', () => {
    // Never called: the `@ts-expect-error` lines are checked by `tsc -p packages/web` (npm run typecheck);
    // if the keys were unchecked, the directives would be unused and the type-check would fail.
    const misuse = () => {
      // @ts-expect-error: no such key
      i18next.t('chat.sned');
      // @ts-expect-error: a section, not a string
      i18next.t('chat.errors');
      // @ts-expect-error: a chat error code without a string
      i18next.t(`chat.errors.${'NO_SUCH_CODE' as 'NO_SUCH_CODE'}`);
      i18next.t('chat.send');
      for (const code of CHAT_ERROR_CODES) i18next.t(`chat.errors.${code}`, { max: 1 });
    };
    expectTypeOf(misuse).returns.toEqualTypeOf<void>();
  });

  it('are the same in Turkish as in English, with no empty string', () => {
    expect(keyPaths(tr)).toEqual(keyPaths(en));
    const empty = (tree: object): string[] =>
      keyPaths(tree).filter((path) => {
        const value = path
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], tree);
        return typeof value !== 'string' || value.trim() === '';
      });
    expect(empty(en)).toEqual([]);
    expect(empty(tr)).toEqual([]);
  });

  it('give every chat error code a message in both languages', () => {
    for (const code of CHAT_ERROR_CODES) {
      expect(en.chat.errors[code]).toBeTruthy();
      expect(tr.chat.errors[code]).toBeTruthy();
    }
  });
});
