import { describe, expect, it } from 'vitest';
import { gridLayout, TILE_ASPECT } from '../src/components/call/stage-layout.js';

describe('gridLayout', () => {
  it('gives one tile the whole stage, landscape or portrait', () => {
    expect(gridLayout(1, 960, 560)).toEqual({ columns: 1, width: 960, height: 560 });
    expect(gridLayout(1, 390, 650)).toEqual({ columns: 1, width: 390, height: 650 });
  });

  it('puts three people side by side on a wide stage and stacks them on a tall one', () => {
    expect(gridLayout(3, 1600, 400, 0).columns).toBe(3);
    expect(gridLayout(3, 390, 650, 0).columns).toBe(1);
  });

  it('never overflows the stage, keeps 16:9, and picks the largest tiles', () => {
    for (const [count, width, height] of [
      [2, 960, 560],
      [3, 960, 560],
      [4, 960, 560],
      [6, 1200, 700],
      [5, 390, 650],
    ] as const) {
      const gap = 8;
      const layout = gridLayout(count, width, height, gap);
      const rows = Math.ceil(count / layout.columns);
      expect(layout.columns * layout.width + (layout.columns - 1) * gap).toBeLessThanOrEqual(width);
      expect(rows * layout.height + (rows - 1) * gap).toBeLessThanOrEqual(height);
      expect(Math.abs(layout.width / layout.height - TILE_ASPECT)).toBeLessThan(0.05);
      for (let columns = 1; columns <= count; columns += 1) {
        const r = Math.ceil(count / columns);
        const w = Math.min(
          (width - gap * (columns - 1)) / columns,
          ((height - gap * (r - 1)) / r) * TILE_ASPECT,
        );
        expect(layout.width).toBeGreaterThanOrEqual(Math.floor(w));
      }
    }
  });
});
