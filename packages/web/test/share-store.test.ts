import { describe, expect, it } from 'vitest';
import { MAX_SHARED_FILES, shareFromForm, shareProblem } from '../src/pwa/share-store.js';

const file = (name: string, size: number) => new File([new Uint8Array(size)], name);

describe('a share from the share sheet', () => {
  it('takes the manifest’s fields, files included, and leaves out a file field with nothing chosen', () => {
    const form = new FormData();
    form.append('title', 'Holiday');
    form.append('text', 'look');
    form.append('url', 'https://example.org/');
    form.append('files', file('a.jpg', 3));
    form.append('files', file('b.jpg', 5));
    form.append('files', new File([], ''));
    const share = shareFromForm(form, 'id-1', 42);
    expect(share).toMatchObject({
      id: 'id-1',
      createdAt: 42,
      title: 'Holiday',
      text: 'look',
      url: 'https://example.org/',
    });
    expect(share.files.map((f) => `${f.name}:${f.size}`)).toEqual(['a.jpg:3', 'b.jpg:5']);
    expect(shareProblem(share)).toBeUndefined();
  });

  it('names what stops a share from going: nothing in it, an empty file, too many files', () => {
    const empty = shareFromForm(new FormData(), 'x', 0);
    expect(shareProblem(empty)).toBe('empty');
    expect(shareProblem({ ...empty, text: 'just a link' })).toBeUndefined();
    expect(shareProblem({ ...empty, files: [file('a', 1), file('zero', 0)] })).toBe('empty-file');
    const many = Array.from({ length: MAX_SHARED_FILES + 1 }, (_, i) => file(`f${i}`, 1));
    expect(shareProblem({ ...empty, files: many })).toBe('too-many');
    expect(shareProblem({ ...empty, files: many.slice(1) })).toBeUndefined();
  });

  it('ignores text fields that are files, and cuts text at 8000 characters', () => {
    const form = new FormData();
    form.append('text', 'x'.repeat(9000));
    form.append('title', file('title.txt', 1));
    const share = shareFromForm(form, 'id', 0);
    expect(share.text).toHaveLength(8000);
    expect(share.title).toBe('');
  });
});
