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

interface DirectoryPickerWindow {
  showDirectoryPicker?(options: { mode: 'readwrite'; id?: string }): Promise<FileSystemDirectoryHandle>;
}

/**
 * "Save all": where the browser can write into a folder the user picks (Chromium's File System Access),
 * every file goes there with its relative path (a received folder comes back as a folder); elsewhere each
 * file is downloaded, its path flattened into its name. Resolves false if the user cancelled the picker.
 */
export async function saveAll(
  files: readonly { path: string; file: () => Promise<Blob> }[],
): Promise<boolean> {
  const picker = (window as unknown as DirectoryPickerWindow).showDirectoryPicker;
  if (!picker) {
    for (const { path, file } of files) saveBlob(await file(), path.replaceAll('/', '_'));
    return true;
  }
  let root: FileSystemDirectoryHandle;
  try {
    // Called first, while the click's user activation is still valid.
    root = await picker.call(window, { mode: 'readwrite', id: 'kopru-save-all' });
  } catch (error) {
    if ((error as DOMException).name === 'AbortError') return false;
    throw error;
  }
  for (const { path, file } of files) {
    const segments = path.split('/');
    const name = segments.pop() ?? path;
    let dir = root;
    for (const segment of segments) dir = await dir.getDirectoryHandle(segment, { create: true });
    const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
    // Streamed from the stored file to the chosen one: nothing is held in memory.
    await (await file()).stream().pipeTo(writable);
  }
  return true;
}
