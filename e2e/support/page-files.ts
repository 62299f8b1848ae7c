import { readFileSync } from 'node:fs';
import type { JSHandle, Page } from '@playwright/test';
import type { TestFile } from './transfer.js';

/**
 * A `DataTransfer` built inside the page holding `files` (their bytes read here, by the test), as the
 * browser builds one for a real drag from the desktop or a paste of copied files. Dispatched with the
 * `drop` or `paste` event it stands in for the user's gesture; the app reads it like any other.
 */
export async function dataTransferWith(
  page: Page,
  files: readonly TestFile[],
): Promise<JSHandle<DataTransfer>> {
  const payload = files.map((f) => ({
    name: f.name,
    type: f.name.endsWith('.png') ? 'image/png' : 'application/octet-stream',
    base64: readFileSync(f.path).toString('base64'),
  }));
  return page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const { name, type, base64 } of items) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type }));
    }
    return transfer;
  }, payload);
}
