import type { SourceFile } from '@kopru/client';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { toSource } from './pick-files.js';

interface FilePickerProps {
  label: string;
  folder?: boolean;
  disabled?: boolean;
  onFiles(files: SourceFile[]): void;
}

/** A button that opens the file chooser (or the folder chooser: paths inside the folder are kept). */
export function FilePickerButton({ label, folder = false, disabled = false, onFiles }: FilePickerProps) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not in React's attribute list; every current browser supports it for folder selection.
    if (folder) input.current?.setAttribute('webkitdirectory', '');
  }, [folder]);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])].map((file) => toSource(file));
          event.currentTarget.value = ''; // choosing the same files again fires `change` again
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}

/** "Send files" and "Send folder" in the conversation header. */
export function SendFilesButtons({
  disabled,
  onFiles,
}: {
  disabled: boolean;
  onFiles(files: SourceFile[]): void;
}) {
  const { t } = useTranslation();
  return (
    <span className="send-files">
      <FilePickerButton label={t('transfer.sendFiles')} disabled={disabled} onFiles={onFiles} />
      <FilePickerButton label={t('transfer.sendFolder')} folder disabled={disabled} onFiles={onFiles} />
    </span>
  );
}
