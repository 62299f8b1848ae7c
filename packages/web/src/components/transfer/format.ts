const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/**
 * One formatter per language and unit, made once: building an `Intl.NumberFormat` costs about a millisecond
 * on a busy machine, and a card of 256 files formats every size at each update (it was the receiving
 * page's largest cost in the many-small-files benchmark, docs/benchmarks.md).
 */
const formatters = new Map<string, Intl.NumberFormat>();

/** Byte counts as people read them: 1 decimal, SI units (what file managers and speed tests show). */
export function formatBytes(bytes: number, language: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const key = `${language} ${unit}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, {
      style: 'unit',
      unit: UNITS[unit],
      unitDisplay: 'short',
      maximumFractionDigits: unit === 0 ? 0 : 1,
    });
    formatters.set(key, format);
  }
  return format.format(value);
}

/** h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
