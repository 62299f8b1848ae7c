/**
 * Avatar colours: white initials pass WCAG AA (4.5:1) on each of them, so they read the same in both
 * themes. Eight hues spread round the wheel, so two people in a small room rarely share one.
 */
const AVATAR_COLOURS = [
  '#1f6f8b',
  '#7b3fa0',
  '#b03a5b',
  '#2e7d32',
  '#8a5a00',
  '#3949ab',
  '#00796b',
  '#b3401a',
] as const;

/** A stable colour for a peer id (FNV-1a of its characters): the same person has the same colour everywhere. */
export function avatarColour(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return AVATAR_COLOURS[(hash >>> 0) % AVATAR_COLOURS.length] ?? AVATAR_COLOURS[0];
}

/** Up to two initials: the first letters of the first two words ("Ayla Kaya" → "AK", "bora" → "B"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0] ?? '');
  return letters.join('').toLocaleUpperCase() || '?';
}

/** Initials on the person's colour; decorative (the name is always written beside it). */
export function Avatar({ id, name, size = 'small' }: { id: string; name: string; size?: 'small' | 'large' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ background: avatarColour(id) }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
