import type { SourceFile } from '@kopru/client';
import { type RefObject, useEffect, useState } from 'react';
import { droppedFiles, toSource } from './pick-files.js';

/**
 * Drag and drop (files and whole folders) and paste onto an element: calls `onFiles` with the files.
 * Returns true while files are dragged over it (to show the drop hint).
 */
export function useFileDrop(
  target: RefObject<HTMLElement | null>,
  onFiles: ((files: SourceFile[]) => void) | undefined,
): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const element = target.current;
    if (!element || !onFiles) return;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const dragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setOver(true);
    };
    const dragLeave = (event: DragEvent) => {
      if (!element.contains(event.relatedTarget as Node | null)) setOver(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      setOver(false);
      void droppedFiles(event.dataTransfer).then((files) => {
        if (files.length > 0) onFiles(files);
      });
    };
    const paste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return; // plain text pastes into the message box as usual
      event.preventDefault();
      onFiles(files.map((file) => toSource(file)));
    };
    element.addEventListener('dragover', dragOver);
    element.addEventListener('dragleave', dragLeave);
    element.addEventListener('drop', drop);
    element.addEventListener('paste', paste);
    return () => {
      element.removeEventListener('dragover', dragOver);
      element.removeEventListener('dragleave', dragLeave);
      element.removeEventListener('drop', drop);
      element.removeEventListener('paste', paste);
    };
  }, [target, onFiles]);
  return over;
}
