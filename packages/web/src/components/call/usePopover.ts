import { type RefObject, useEffect, useState } from 'react';

/** A panel opened by a button: Escape closes it and puts focus back on the button. */
export function usePopover(button: RefObject<HTMLButtonElement | null>): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open, button]);
  return [open, setOpen];
}
