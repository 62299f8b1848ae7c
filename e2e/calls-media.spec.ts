import type { Locator, Page } from '@playwright/test';
import {
  aylaCallsBora,
  callPanel,
  connectCall,
  expectGrowing,
  expectStopped,
  liveLocalTracks,
  openCaller,
  THREE_CAMERA_ARGS,
  tile,
  totals,
} from './support/call.js';
import { expect, test } from './support/fixtures.js';

// Three fake cameras (see THREE_CAMERA_ARGS: tests use devices 0 and 2, whose frames look different).
test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: THREE_CAMERA_ARGS } });

/**
 * Red in the top-right corner of what `viewer` shows for `name`: fake camera 0 draws a green square
 * there, fake camera 2 a yellow one (high red). Read from the decoded frame in the <video> element.
 */
async function cornerRed(viewer: Page, name: string): Promise<number> {
  return tile(viewer, name)
    .locator('video')
    .evaluate((video: HTMLVideoElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (!g || video.videoWidth === 0) return -1;
      g.drawImage(video, 0, 0, 64, 48);
      const d = g.getImageData(62, 0, 2, 2).data;
      return ((d[0] ?? 0) + (d[4] ?? 0) + (d[8] ?? 0) + (d[12] ?? 0)) / 4;
    });
}

/** Width / height of the video a tile plays (0 before its first frame). */
async function videoAspect(tileLocator: Locator): Promise<number> {
  return tileLocator
    .locator('video')
    .evaluate((video: HTMLVideoElement) =>
      video.videoHeight > 0 ? video.videoWidth / video.videoHeight : 0,
    );
}

test.describe('media controls in a call', () => {
  test('mute and camera off stop what B receives, and turning them back on resumes it, with no renegotiation', async ({
    browser,
    roomId,
  }) => {
    const { a, b } = await aylaCallsBora(browser, roomId);
    const audio = async () => (await totals(b.page)).audioPackets;
    const video = async () => (await totals(b.page)).videoFrames;
    await expectGrowing(audio, 20);
    await expectGrowing(video, 20);
    const offers = a.offers() + b.offers();
    const controls = callPanel(a.page);

    await controls.getByRole('button', { name: 'Mute microphone' }).click();
    await expect(tile(b.page, 'Ayla')).toContainText('Microphone off');
    await expectStopped(audio);
    await expectGrowing(video, 10); // the camera is unaffected

    await controls.getByRole('button', { name: 'Unmute microphone' }).click();
    await expect(tile(b.page, 'Ayla')).not.toContainText('Microphone off');
    await expectGrowing(audio, 20);

    await controls.getByRole('button', { name: 'Turn camera off' }).click();
    await expect(tile(b.page, 'Ayla').locator('video')).toBeHidden();
    await expectStopped(video);
    // The camera itself is stopped (its light goes off), not just hidden.
    await expect.poll(() => liveLocalTracks(a.page)).not.toContainEqual(expect.stringMatching(/^video:/));

    await controls.getByRole('button', { name: 'Turn camera on' }).click();
    await expect(tile(b.page, 'Ayla').locator('video')).toBeVisible();
    await expectGrowing(video, 20);
    expect(a.offers() + b.offers()).toBe(offers);

    // The caller hangs up this time: both ends close and no local track stays live.
    await controls.getByRole('button', { name: 'Hang up' }).click();
    await expect(callPanel(b.page).getByRole('status')).toContainText('Ayla ended the call.');
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
    await expect.poll(() => liveLocalTracks(b.page)).toEqual([]);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });

  test('choosing a camera, "Switch camera" and sharing the screen beside the camera change what B receives without a new offer', async ({
    browser,
    roomId,
  }) => {
    const { a, b } = await aylaCallsBora(browser, roomId);
    await expect.poll(() => cornerRed(b.page, 'Ayla')).toBeGreaterThanOrEqual(0);
    expect(await cornerRed(b.page, 'Ayla')).toBeLessThan(60); // camera 0: green corner
    const offers = a.offers() + b.offers();
    expect(offers).toBeGreaterThan(0); // the counter sees the call's own negotiation
    const controls = callPanel(a.page);

    await controls.getByRole('button', { name: 'Devices' }).click();
    await controls.getByRole('combobox', { name: 'Camera' }).selectOption({ label: 'fake_device_2' });
    await expect.poll(() => cornerRed(b.page, 'Ayla')).toBeGreaterThan(120); // camera 2: yellow corner

    await controls.getByRole('button', { name: 'Switch camera' }).click(); // the next one: back to camera 0
    await expect.poll(() => cornerRed(b.page, 'Ayla')).toBeLessThan(60);
    await expect(controls.getByRole('combobox', { name: 'Camera' })).toHaveValue(
      (await controls.getByRole('option', { name: 'fake_device_0' }).getAttribute('value')) ?? '',
    );

    // The screen arrives beside the camera, on a track of its own: B's stage shows it large, and Ayla's
    // camera (still camera 0: green corner) goes on in the filmstrip.
    await controls.getByRole('button', { name: 'Share screen' }).click();
    const screen = tile(b.page, 'Ayla’s screen');
    await expect(screen).toHaveClass(/main-tile/);
    await expect(tile(b.page, 'Ayla')).toHaveClass(/strip-tile/);
    await expect(tile(b.page, 'Ayla')).toContainText('Sharing screen');
    await expect.poll(() => videoAspect(screen)).toBeCloseTo(16 / 9, 1);
    await expect.poll(() => cornerRed(b.page, 'Ayla')).toBeLessThan(60);
    expect(await videoAspect(tile(b.page, 'Ayla'))).toBeCloseTo(4 / 3, 1);
    await expectGrowing(async () => (await totals(b.page)).videoFrames, 40);

    await controls.getByRole('button', { name: 'Stop sharing' }).click();
    await expect(screen).toHaveCount(0);
    await expect(tile(b.page, 'Ayla')).not.toContainText('Sharing screen');
    await expect.poll(() => cornerRed(b.page, 'Ayla')).toBeLessThan(60);
    expect(await liveLocalTracks(a.page)).not.toContainEqual(expect.stringMatching(/^video:screen/));

    expect(a.offers() + b.offers()).toBe(offers);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });

  test('B refuses the camera: B sees why, the call goes on with B’s audio only and A’s video', async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    // Chromium's fake-UI flag grants every request, so B's "Block" is simulated in the page: a camera
    // request fails with the error a refused permission gives (NotAllowedError); the microphone works.
    await b.page.evaluate(() => {
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) =>
        constraints?.video
          ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
          : real(constraints);
    });
    await connectCall(a.page, 'Ayla', b.page, 'Bora');

    await expect(callPanel(b.page).getByRole('alert')).toContainText(
      'Camera: permission denied. The call continues without it.',
    );
    await expect(callPanel(b.page).getByRole('button', { name: 'Turn camera on' })).toBeVisible();
    await expectGrowing(async () => (await totals(a.page)).audioPackets, 20);
    await expectGrowing(async () => (await totals(b.page)).videoFrames, 20);
    await expect(tile(a.page, 'Bora').locator('video')).toBeHidden();
    expect((await totals(a.page)).videoFrames).toBe(0);
  });
});
