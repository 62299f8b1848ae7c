interface SparklineProps {
  values: readonly (number | null)[];
  /** How many points the chart spans (older ones scroll off the left). */
  capacity: number;
  label: string;
}

const WIDTH = 120;
const HEIGHT = 28;

/** A small SVG line chart drawn from the samples; gaps (null) break the line. */
export function Sparkline({ values, capacity, label }: SparklineProps) {
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const step = WIDTH / Math.max(1, capacity - 1);
  const offset = capacity - values.length;
  const segments: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null) {
      segments.push([]);
      return;
    }
    const x = (offset + i) * step;
    const y = HEIGHT - 1 - (v / max) * (HEIGHT - 2);
    segments[segments.length - 1]?.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  return (
    <svg className="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <title>{label}</title>
      <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="sparkline-axis" />
      {segments
        .filter((points) => points.length > 0)
        .map((points) => (
          <polyline key={points[0]} points={points.join(' ')} className="sparkline-line" />
        ))}
    </svg>
  );
}
