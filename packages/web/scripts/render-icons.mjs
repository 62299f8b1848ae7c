// Renders the app icons (PNG, as install prompts and home screens need) from the SVGs in public/, with
// the system Chromium: `node packages/web/scripts/render-icons.mjs`. The PNGs are committed; run this
// again only after changing an SVG.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const publicDir = path.resolve(import.meta.dirname, '../public');
const icons = [
  { svg: 'favicon.svg', png: 'icons/icon-192.png', size: 192 },
  { svg: 'favicon.svg', png: 'icons/icon-512.png', size: 512 },
  // Maskable: the mark inside the central 60 % safe zone, the background to the edges.
  { svg: 'icons/maskable.svg', png: 'icons/maskable-512.png', size: 512 },
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  for (const { svg, png, size } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = readFileSync(path.join(publicDir, svg), 'utf8');
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${markup}`,
    );
    await page.screenshot({ path: path.join(publicDir, png), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
