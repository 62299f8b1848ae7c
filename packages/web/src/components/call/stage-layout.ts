/** Tiles are laid out for 16:9 video, the shape of every current webcam's default mode and of screens. */
export const TILE_ASPECT = 16 / 9;

export interface GridLayout {
  columns: number;
  /** One tile's size in CSS pixels. */
  width: number;
  height: number;
}

/**
 * Equal tiles filling a `width`×`height` stage: tries every column count and keeps the one with the
 * largest tiles (each at most the stage's cell, at 16:9). One tile takes the whole stage, whatever its
 * shape, so a 1:1 call on a portrait phone fills the screen.
 */
export function gridLayout(count: number, width: number, height: number, gap = 8): GridLayout {
  if (count <= 1) return { columns: 1, width: Math.max(0, width), height: Math.max(0, height) };
  let best: GridLayout = { columns: 1, width: 0, height: 0 };
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const tileWidth = Math.min(cellWidth, cellHeight * TILE_ASPECT);
    if (tileWidth > best.width)
      best = { columns, width: Math.floor(tileWidth), height: Math.floor(tileWidth / TILE_ASPECT) };
  }
  return best;
}
