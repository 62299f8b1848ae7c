import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/**
 * What the phone's share sheet handed to Köprü (the manifest's `share_target`), kept in IndexedDB from the
 * moment the service worker receives it until it is sent or discarded, so a page that is not open yet (or
 * reloads) still finds it. Used by both the service worker and the page.
 */
export interface StagedShare {
  id: string;
  createdAt: number;
  title: string;
  text: string;
  url: string;
  files: File[];
}

/**
 * Files one share may carry. A gallery selection of a few hundred photos is possible; a share larger than
 * this is refused whole (nothing half-sent) and the user is told to send fewer at once.
 */
export const MAX_SHARED_FILES = 200;

/** `?share=` values that are not an id: the service worker could not keep the share, and says why. */
export const SHARE_FAILURES = ['too-large', 'unavailable'] as const;
export type ShareFailure = (typeof SHARE_FAILURES)[number];

const DB_NAME = 'kopru-share';

interface ShareDb extends DBSchema {
  shares: { key: string; value: StagedShare };
}

/** Opens the database for one operation and closes it after: the worker and the page both use it. */
async function withShares<T>(run: (db: IDBPDatabase<ShareDb>) => Promise<T>): Promise<T> {
  const db = await openDB<ShareDb>(DB_NAME, 1, {
    upgrade(created) {
      created.createObjectStore('shares', { keyPath: 'id' });
    },
  });
  try {
    return await run(db);
  } finally {
    db.close();
  }
}

export const putShare = (share: StagedShare): Promise<void> =>
  withShares(async (db) => {
    await db.put('shares', share);
  });

export const getShare = (id: string): Promise<StagedShare | undefined> =>
  withShares((db) => db.get('shares', id));

export const deleteShare = (id: string): Promise<void> => withShares((db) => db.delete('shares', id));

/** The share-target POST's form, as the manifest names its fields (`title`, `text`, `url`, `files`). */
export function shareFromForm(form: FormData, id: string, now: number): StagedShare {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.slice(0, 8000) : '';
  };
  return {
    id,
    createdAt: now,
    title: field('title'),
    text: field('text'),
    url: field('url'),
    // A form's file field with nothing chosen still sends one nameless, empty part: not a file.
    files: form
      .getAll('files')
      .filter((f): f is File => typeof f !== 'string' && (f.name !== '' || f.size > 0)),
  };
}

/** Why a staged share cannot go as it is (nothing is sent then), or undefined when it can. */
export function shareProblem(share: StagedShare): 'empty' | 'empty-file' | 'too-many' | undefined {
  if (share.files.length === 0 && !share.text && !share.url && !share.title) return 'empty';
  if (share.files.length > MAX_SHARED_FILES) return 'too-many';
  if (share.files.some((file) => file.size === 0)) return 'empty-file';
  return undefined;
}
