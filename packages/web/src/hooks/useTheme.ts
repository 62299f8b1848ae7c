import { useState } from 'react';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = 'kopru:theme';

const isTheme = (value: string | null): value is Theme => THEMES.some((t) => t === value);

/** The remembered choice ("system" when none: the page follows prefers-color-scheme). */
export function savedTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  return isTheme(saved) ? saved : 'system';
}

/**
 * Sets the theme on <html>: `data-theme` forces the CSS color-scheme (styles.css picks every colour with
 * light-dark()); without it the system's preference applies. Called before the first render too, so a
 * dark page never flashes light.
 */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
}

/** The person's theme choice, remembered in localStorage. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState(savedTheme);
  const choose = (next: Theme) => {
    localStorage.setItem(STORAGE_KEY, next);
    applyTheme(next);
    setTheme(next);
  };
  return [theme, choose];
}
