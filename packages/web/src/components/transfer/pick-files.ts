import type { SourceFile } from '@kopru/client';

/** A chosen `File` as a transfer source: its path inside a chosen folder, else its name. */
export const toSource = (file: File, path?: string): SourceFile => ({
  blob: file,
  path: path ?? (file.webkitRelativePath || file.name),
  mime: file.type,
});

/** Every file of a drop, folders walked recursively with their relative paths (Chromium, Firefox, Safari). */
export async function droppedFiles(data: DataTransfer): Promise<SourceFile[]> {
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => entry !== null && entry !== undefined);
  if (entries.length === 0) return [...data.files].map((file) => toSource(file));
  const out: SourceFile[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

async function walk(entry: FileSystemEntry, prefix: string, out: SourceFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push(toSource(file, path));
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most 100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, path, out);
  }
}

/** Saves a file through the browser's download (the file stays backed by OPFS: nothing is copied). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the blob by then; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
