import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SourceFile, SourceHasher } from '@kopru/client';
import { CliError, EXIT } from '../errors.js';

/** A few common types by extension; the receiver only shows it (a browser uses it for previews). */
const MIME_BY_EXT: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
};

const mimeOf = (file: string): string =>
  MIME_BY_EXT[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The files of `kopru send`: each path a file (sent under its name) or a folder (every file inside, under
 * `<folder>/<relative path>`, as a browser's folder picker gives them). Read through `fs.openAsBlob`, so
 * the core reads them block by block from disk: nothing is held in memory. An unreadable path is a usage
 * error (exit 2) named in the message.
 */
export async function sourcesFromPaths(paths: readonly string[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const given of paths) {
    const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        EXIT.usage,
        `cannot read "${given}": ${error.code === 'ENOENT' ? 'no such file' : error.code}`,
      );
    });
    if (info.isDirectory()) {
      const base = path.basename(path.resolve(given));
      for (const relative of await filesUnder(given)) {
        out.push(await source(path.join(given, relative), `${base}/${relative.split(path.sep).join('/')}`));
      }
    } else {
      out.push(await source(given, path.basename(given)));
    }
  }
  if (out.length === 0) throw new CliError(EXIT.usage, 'nothing to send: the folders are empty');
  return out;
}

async function source(file: string, relative: string): Promise<SourceFile> {
  try {
    return { blob: await openAsBlob(file), path: relative, mime: mimeOf(file) };
  } catch (error) {
    throw new CliError(
      EXIT.usage,
      `cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new CliError(EXIT.usage, `cannot read "${dir}": ${error.code}`);
    },
  );
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** SHA-256 of a whole source, streamed from disk through `node:crypto`. */
export const nodeSourceHasher = (): SourceHasher => ({
  async hash(blob: Blob): Promise<string> {
    const hash = createHash('sha256');
    const reader = blob.stream().getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) hash.update(next.value);
    return hash.digest('hex');
  },
  close() {},
});
