import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PREFERRED_CHUNK_BYTES } from '../packages/client/src/transfer/constants.js';
import { callPanel, placeCall } from './support/call.js';
import { messageLog, openConversationWith, rename, send } from './support/chat.js';
import { type CliRun, roomLink, runCli } from './support/cli.js';
import { startCoturn } from './support/coturn.mjs';
import { E2E_PORT, E2E_RELAY_PORTS, E2E_TURN_PORT } from './support/env.js';
import { launchFirefox } from './support/firefox.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import { expectVerifiedByLink, inviteLink } from './support/link-proof.js';
import { shownSafetyNumber } from './support/security.js';
import { startServer } from './support/server-process.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  receivedFrames,
  recordFileFrames,
  recordReceivedFileFrames,
  saveAndHash,
  scratchDir,
  sentFrames,
  sha256File,
  transfers,
} from './support/transfer.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHUNK = PREFERRED_CHUNK_BYTES;
const MiB = 1024 * 1024;

/** The mixed set the issue asks for: 0 B, 1 B, chunk ± 1, 50 MiB. */
function mixedFiles(dir: string) {
  return [
    makeFile(dir, 'empty.bin', 0),
    makeFile(dir, 'one.bin', 1),
    makeFile(dir, 'chunk-minus-one.bin', CHUNK - 1),
    makeFile(dir, 'chunk-plus-one.bin', CHUNK + 1),
    makeFile(dir, 'big.bin', 50 * MiB),
  ];
}

/** A nested folder: its files arrive under `album/…`. */
function nestedFolder(dir: string) {
  return [
    makeFile(dir, 'album/cover.png', 2_000),
    makeFile(dir, 'album/2024/summer/beach.jpg', 70_000),
    makeFile(dir, 'album/notes/readme.txt', 10),
  ];
}

const exitOf = async (run: CliRun): Promise<number | null> => run.exited;

test.describe('kopru on the command line', () => {
  test('chat both ways with a browser: Delivered and Read on both sides, a terminal icon in the list, calls declined', async ({
    browser,
    roomId,
  }) => {
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Ada');
    const cli = runCli(['chat', roomLink(roomId), '--name', 'Kaan', '--to', 'Ada', '--json', '--verbose']);
    await cli.waitFor((e) => e.event === 'chat-ready');

    const row = peopleList(a.page).getByRole('button', { name: /^Kaan\b/ });
    await expect(row).toBeVisible();
    await expect(row.getByRole('img', { name: 'On the command line' })).toBeVisible();

    // Terminal → browser: delivered while Ada has another conversation open, read once she opens it.
    cli.type('merhaba from the terminal');
    await cli.waitFor((e) => e.event === 'message-state' && e.state === 'delivered');
    await expect(row).toContainText('+1');
    await openConversationWith(a.page, 'Kaan');
    await expect(messageLog(a.page)).toContainText('merhaba from the terminal');
    await cli.waitFor((e) => e.event === 'message-state' && e.state === 'read');

    // Browser → terminal: printed there, so it is read; the browser shows Delivered then Read.
    await send(a.page, 'hello terminal');
    const got = await cli.waitFor((e) => e.event === 'message');
    expect(got).toMatchObject({ from: 'Ada', text: 'hello terminal', conversation: 'private' });
    await expect(messageLog(a.page).locator('.bubble.mine')).toContainText('Read');

    // Both sides derive the same safety number from the two DTLS keys actually in use.
    const security = await cli.waitFor((e) => e.event === 'peer-security');
    expect(security.safetyNumber).toBe(await shownSafetyNumber(a.page));
    expect(security.route).toBe('direct');

    // A call to the terminal is declined with a clear reason.
    await placeCall(a.page, 'Kaan', 'Voice call');
    await expect(callPanel(a.page).getByRole('status')).toContainText(
      'Kaan is on the command line and cannot take calls.',
    );

    cli.child.stdin?.end();
    expect(await exitOf(cli)).toBe(0);
    expect(a.problems).toEqual([]);
  });

  test('the invite-link proof: a browser and the CLI on a link with its key verify each other; a damaged key is said', async ({
    browser,
  }) => {
    const a = await openPerson(browser, '', { link: '/new' });
    await rename(a.page, 'Ada');
    const link = await inviteLink(a.page);
    expect(link).toMatch(/#k=[A-Za-z0-9_-]{22}$/);
    const cli = runCli(['chat', link, '--name', 'Kaan', '--to', 'Ada', '--json']);
    await cli.waitFor((e) => e.event === 'chat-ready');
    cli.type('hello');
    await cli.waitFor((e) => e.event === 'link-proof' && e.state === 'verified' && e.peer === 'Ada');
    await expectVerifiedByLink(a.page, 'Kaan');
    cli.child.stdin?.end();
    expect(await cli.exited).toBe(0);

    const damaged = runCli(['chat', link.slice(0, -10), '--name', 'Cem', '--json'], { stdin: 'ignore' });
    expect(await damaged.exited).toBe(0);
    expect(damaged.events).toContainEqual(
      expect.objectContaining({ event: 'warning', message: expect.stringMatching(/key is damaged/) }),
    );
  });

  test('CLI → Chromium: mixed files and a nested folder arrive with the SHA-256 the test computes', async ({
    browser,
    roomId,
  }) => {
    test.slow();
    const dir = scratchDir();
    const files = [...mixedFiles(dir), ...nestedFolder(dir)];
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Ada');
    const cli = runCli([
      'send',
      roomLink(roomId),
      ...files.slice(0, 5).map((f) => f.path),
      path.join(dir, 'album'),
      '--name',
      'Kaan',
      '--to',
      'Ada',
      '--json',
    ]);
    await openConversationWith(a.page, 'Kaan');
    const offer = transfers(a.page).first();
    await expect(offer).toContainText('Kaan wants to send you 8 files');
    await acceptOffer(a.page);
    await expect(offer).toContainText('Complete: every file verified', { timeout: 90_000 });
    expect(await exitOf(cli)).toBe(0);
    for (const f of files) {
      const saved = await saveAndHash(a.page, offer, f.name);
      expect(saved.sha256, f.name).toBe(f.sha256);
    }
    expect(a.problems).toEqual([]);
  });

  test('Chromium → CLI: mixed files, then a nested folder, saved under their paths with matching SHA-256', async ({
    browser,
    roomId,
  }) => {
    test.slow();
    const src = scratchDir();
    const out = scratchDir();
    const files = mixedFiles(src);
    const folder = nestedFolder(src);
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Ada');

    const first = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Kaan', '--json']);
    await first.waitFor((e) => e.event === 'waiting');
    await openConversationWith(a.page, 'Kaan');
    await chooseFiles(
      a.page,
      files.map((f) => f.path),
    );
    expect(await exitOf(first)).toBe(0);
    await expect(transfers(a.page).first()).toContainText('Complete: every file verified');
    for (const f of files) expect(sha256File(path.join(out, f.name)), f.name).toBe(f.sha256);

    const second = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Kaan', '--json']);
    await second.waitFor((e) => e.event === 'waiting');
    await expect(peopleList(a.page).getByRole('button', { name: /^Kaan\b/ })).toBeVisible();
    await openConversationWith(a.page, 'Kaan');
    await chooseFiles(a.page, path.join(src, 'album'), true);
    expect(await exitOf(second)).toBe(0);
    for (const f of folder) expect(sha256File(path.join(out, f.name)), f.name).toBe(f.sha256);
    // Nothing half-done is left behind.
    expect(existsSync(path.join(out, 'big.bin.kopru-part'))).toBe(false);
  });

  test('CLI ↔ CLI: mixed files and a folder; an existing file is never overwritten (" (1)")', async () => {
    test.slow();
    const roomId = `cli-${Date.now()}`;
    const src = scratchDir();
    const out = scratchDir();
    const files = [...mixedFiles(src), ...nestedFolder(src)];
    writeFileSync(path.join(out, 'one.bin'), 'already here');
    const receiver = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Rx', '--json']);
    await receiver.waitFor((e) => e.event === 'waiting');
    const sender = runCli([
      'send',
      roomLink(roomId),
      ...files.slice(0, 5).map((f) => f.path),
      path.join(src, 'album'),
      '--to',
      'Rx',
      '--json',
    ]);
    expect(await exitOf(sender)).toBe(0);
    expect(await exitOf(receiver)).toBe(0);
    expect(readFileSync(path.join(out, 'one.bin'), 'utf8')).toBe('already here');
    for (const f of files) {
      const saved = f.name === 'one.bin' ? 'one (1).bin' : f.name;
      expect(sha256File(path.join(out, saved)), f.name).toBe(f.sha256);
    }
  });

  test('a receiving CLI killed (SIGKILL) at ~40 % resumes from its partial file: under 70 % of the bytes are sent again', async ({
    browser,
    roomId,
  }) => {
    test.slow();
    const src = scratchDir();
    const out = scratchDir();
    const file = makeFile(src, 'resume.bin', 120 * MiB);
    const a = await openPerson(browser, roomId, { onPage: recordFileFrames });
    await rename(a.page, 'Ada');
    const first = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Kaan', '--json']);
    await first.waitFor((e) => e.event === 'waiting');
    await openConversationWith(a.page, 'Kaan');
    await chooseFiles(a.page, file.path);
    await first.waitFor((e) => e.event === 'progress' && Number(e.doneBytes) >= 0.4 * file.size, 120_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const partial = statSync(path.join(out, 'resume.bin.kopru-part')).size;
    expect(partial).toBeGreaterThan(0.3 * file.size);
    const sentBefore = (await sentFrames(a.page)).length;

    const second = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Kaan', '--json']);
    await second.waitFor((e) => e.event === 'resuming');
    expect(await exitOf(second)).toBe(0);
    expect(sha256File(path.join(out, 'resume.bin'))).toBe(file.sha256);
    const after = (await sentFrames(a.page)).slice(sentBefore);
    const resent = after.reduce((sum, f) => sum + f.bytes, 0);
    expect(resent).toBeLessThan(0.7 * file.size);
    expect(Math.min(...after.map((f) => f.offset))).toBeGreaterThan(0.25 * file.size);
  });

  test("a sending CLI killed (SIGKILL) at ~40 % and run again with the same file continues from the browser's checkpoint", async ({
    browser,
    roomId,
  }) => {
    test.slow();
    const file = makeFile(scratchDir(), 'resend.bin', 120 * MiB);
    const a = await openPerson(browser, roomId, { onPage: recordReceivedFileFrames });
    await rename(a.page, 'Ada');
    const args = ['send', roomLink(roomId), file.path, '--name', 'Kaan', '--to', 'Ada', '--json'];
    const first = runCli(args);
    await openConversationWith(a.page, 'Kaan');
    await expect(transfers(a.page).first()).toContainText('Kaan wants to send you', { timeout: 60_000 });
    await acceptOffer(a.page);
    await first.waitFor((e) => e.event === 'progress' && Number(e.doneBytes) >= 0.4 * file.size, 120_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await receivedFrames(a.page);
    const reachedBefore = Math.max(...before.map((f) => f.offset + f.bytes));
    expect(reachedBefore).toBeGreaterThan(0.3 * file.size);

    const second = runCli(args);
    const resuming = await second.waitFor((e) => e.event === 'resuming', 60_000);
    expect(resuming).toMatchObject({ to: 'Ada', totalBytes: file.size });
    expect(await exitOf(second)).toBe(0);
    const card = transfers(a.page).first();
    await expect(card).toContainText('Complete: every file verified');
    expect((await saveAndHash(a.page, card, file.name)).sha256).toBe(file.sha256);
    // On the wire, as the browser received it: the second run started where the browser's file ended
    // (its checkpoint), not at zero, and sent only what was missing.
    const after = (await receivedFrames(a.page)).slice(before.length);
    const resumedAt = Math.min(...after.map((f) => f.offset));
    const resent = after.reduce((sum, f) => sum + f.bytes, 0);
    test.info().annotations.push({
      type: 'resume',
      description: `received ${reachedBefore} bytes before the kill; resumed at ${resumedAt}; ${resent} bytes after`,
    });
    expect(resumedAt).toBeGreaterThan(0.25 * file.size);
    expect(resent).toBeLessThan(0.75 * file.size);
    expect(a.problems).toEqual([]);
  });
});

test('the packed package installed with npm install -g: kopru --version, then a real send and receive with it', async () => {
  test.slow(); // npm pack builds the bundle; npm install -g takes node-datachannel from the npm cache
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
    version: string;
  };
  const work = scratchDir();
  const npm = (args: string[]) =>
    execFileSync('npm', [...args, '--loglevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  npm(['pack', '-w', 'kopru', '--pack-destination', work]);
  const tarball = path.join(work, `kopru-${pkg.version}.tgz`);
  const prefix = path.join(work, 'prefix');
  npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  const bin = path.join(prefix, 'bin', 'kopru');
  // Installed, it is the package's own copy: nothing of the repository's is used.
  expect(realpathSync(bin)).toBe(path.join(prefix, 'lib/node_modules/kopru/bin/kopru.mjs'));
  expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);

  const roomId = `installed-${Date.now()}`;
  const out = scratchDir();
  const file = makeFile(scratchDir(), 'installed.bin', 4 * MiB);
  const receiver = runCli(['receive', roomLink(roomId), '--out', out, '--yes', '--name', 'Rx', '--json'], {
    bin,
  });
  await receiver.waitFor((e) => e.event === 'waiting');
  const sender = runCli(['send', roomLink(roomId), file.path, '--to', 'Rx', '--json'], { bin });
  expect(await sender.exited).toBe(0);
  expect(await receiver.exited).toBe(0);
  expect(sha256File(path.join(out, 'installed.bin'))).toBe(file.sha256);
});

test.describe('kopru: bad input, each with its exit code and message', () => {
  test('bad links, unreadable files, an unwritable folder, no server, an untrusted certificate, nobody there', async ({
    roomId,
  }) => {
    const dir = scratchDir();
    const file = makeFile(dir, 'a.txt', 10).path;
    const cases: { args: string[]; secure?: boolean; code: number; message: RegExp }[] = [
      { args: ['send', 'not-a-link', file], code: 2, message: /is not a Köprü room link/ },
      {
        args: ['send', `${roomLink(roomId).replace('/r/', '/x/')}`, file],
        code: 2,
        message: /not a Köprü room link/,
      },
      { args: ['send', roomLink('bad id!'), file], code: 2, message: /bad room id/ },
      {
        args: ['send', roomLink(roomId), path.join(dir, 'missing.bin')],
        code: 2,
        message: /cannot read .*no such file/,
      },
      { args: ['receive', roomLink(roomId), '--out', file, '--yes'], code: 2, message: /cannot write to/ },
      { args: ['send', roomLink(roomId)], code: 2, message: /missing required argument 'paths'/ },
      { args: ['frobnicate'], code: 2, message: /unknown command 'frobnicate'/ },
      {
        args: ['chat', 'https://127.0.0.1:1/r/abcdefgh12345678'],
        code: 3,
        message: /cannot reach https:\/\/127\.0\.0\.1:1: ECONNREFUSED/,
      },
      {
        args: ['chat', roomLink(roomId)],
        secure: true,
        code: 3,
        message: /certificate .* not trust.*--insecure/s,
      },
      {
        args: ['chat', roomLink(roomId), '--to', 'Nobody', '--timeout', '2'],
        code: 1,
        message: /nobody called "Nobody" joined in time/,
      },
      { args: ['new', '--no-wait'], code: 2, message: /--server URL/ },
    ];
    for (const c of cases) {
      const run = runCli(c.args, { stdin: 'ignore', ...(c.secure ? { secure: true } : {}) });
      const code = await run.exited;
      expect(run.stderr(), c.args.join(' ')).toMatch(c.message);
      expect(code, `${c.args.join(' ')}\n${run.stderr()}`).toBe(c.code);
    }
  });

  test('a receiver without a terminal and without --yes refuses the offer (exit 2); the sender ends declined (exit 1)', async ({
    roomId,
  }) => {
    const dir = scratchDir();
    const out = scratchDir();
    const file = makeFile(dir, 'a.bin', 1000).path;
    const receiver = runCli(['receive', roomLink(roomId), '--out', out, '--name', 'Rx', '--json'], {
      stdin: 'ignore',
    });
    await receiver.waitFor((e) => e.event === 'waiting');
    const sender = runCli(['send', roomLink(roomId), file, '--to', 'Rx', '--json'], { stdin: 'ignore' });
    expect(await receiver.exited).toBe(2);
    expect(receiver.events).toContainEqual(
      expect.objectContaining({ event: 'error', message: expect.stringMatching(/pass --yes/) }),
    );
    expect(await sender.exited).toBe(1);
    expect(sender.events).toContainEqual({ event: 'declined', reason: 'Rx declined' });
  });

  test('a room with a password: refused without --password (exit 2), wrong (exit 2), admitted with it', async ({
    browser,
    roomId,
  }) => {
    const owner = await openPerson(browser, roomId);
    await rename(owner.page, 'Ada');
    await owner.page.getByRole('button', { name: 'Invite' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Invite to this room' });
    await dialog.getByRole('textbox', { name: 'Room password' }).fill('açıl susam 42');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await expect(dialog.getByText('This room has a password.')).toBeVisible();

    const none = runCli(['chat', roomLink(roomId)], { stdin: 'ignore' });
    expect(await none.exited).toBe(2);
    expect(none.stderr()).toMatch(/asks for a password: pass --password/);
    const wrong = runCli(['chat', roomLink(roomId), '--password', 'kapan susam'], { stdin: 'ignore' });
    expect(await wrong.exited).toBe(2);
    expect(wrong.stderr()).toMatch(/wrong room password/);
    const right = runCli([
      'chat',
      roomLink(roomId),
      '--password',
      'açıl susam 42',
      '--name',
      'Kaan',
      '--json',
    ]);
    await right.waitFor((e) => e.event === 'chat-ready');
    await expect(peopleList(owner.page).getByRole('button', { name: /^Kaan\b/ })).toBeVisible();
    right.child.stdin?.end();
    expect(await right.exited).toBe(0);

    // In a terminal (a pseudo-terminal here) it asks, without showing what is typed, and asks again after
    // a wrong password.
    const asked = runCli(['chat', roomLink(roomId), '--name', 'Leyla', '--json'], { tty: true });
    const prompts = () => asked.stdout().split('This room has a password:').length - 1;
    await expect.poll(prompts, { timeout: 20_000 }).toBe(1);
    asked.type('kapan susam');
    await expect.poll(prompts, { timeout: 20_000 }).toBe(2);
    asked.type('açıl susam 42');
    await asked.waitFor((e) => e.event === 'chat-ready');
    await expect(peopleList(owner.page).getByRole('button', { name: /^Leyla\b/ })).toBeVisible();
    expect(asked.stdout()).not.toContain('kapan');
    expect(asked.stdout()).not.toContain('susam');
    asked.child.stdin?.write('\x04'); // Ctrl-D: the end of the chat
    expect(await asked.exited).toBe(0);
  });

  test('a full room: the CLI says so and exits 3 (the server refused to let us in)', async () => {
    const server = await startServer({ port: E2E_PORT + 14, env: { ROOM_CAPACITY: '2' } });
    try {
      const link = `${server.url}/r/full-${Date.now()}`;
      const inside = [
        runCli(['chat', link, '--name', 'One', '--json']),
        runCli(['chat', link, '--name', 'Two', '--json']),
      ];
      for (const run of inside) await run.waitFor((e) => e.event === 'chat-ready');
      const third = runCli(['chat', link, '--name', 'Three'], { stdin: 'ignore' });
      expect(await third.exited).toBe(3);
      expect(third.stderr()).toMatch(
        /kopru: the server refused to let us in: this room is full \(2 people at most\)/,
      );
      for (const run of inside) {
        run.child.stdin?.end();
        expect(await run.exited).toBe(0);
      }
    } finally {
      await server.stop();
    }
  });
});

test('relay-only through the test coturn: CLI ↔ CLI moves the file relay ↔ relay on both sides, and neither hands out anything but relay candidates', async () => {
  test.slow(); // a relayed connection on a loaded machine may need the recovery ladder's rebuild
  const turn = await startCoturn({
    port: E2E_TURN_PORT,
    minRelayPort: E2E_RELAY_PORTS.min,
    maxRelayPort: E2E_RELAY_PORTS.max,
    // Relayed from an address of its own, as a real TURN server is (see `relayIp`): where a peer shares
    // the relay's address, libjuice can pair around it, and the CLI refuses that pair (the warning below).
    relayIp: '127.0.0.2',
  });
  const server = await startServer({
    port: E2E_PORT + 8,
    env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, TURN_TTL: '600' },
  });
  try {
    const link = `${server.url}/r/relay-${Date.now()}`;
    const src = scratchDir();
    const out = scratchDir();
    const file = makeFile(src, 'relayed.bin', 8 * MiB);
    const flags = ['--relay-only', '--json', '--verbose'];
    const receiver = runCli(['receive', link, '--out', out, '--yes', '--name', 'Rx', ...flags]);
    await receiver.waitFor((e) => e.event === 'waiting');
    const sender = runCli(['send', link, file.path, '--to', 'Rx', ...flags]);
    expect(await sender.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(sha256File(path.join(out, 'relayed.bin'))).toBe(file.sha256);
    for (const run of [sender, receiver]) {
      // What each one signalled: descriptions and trickled candidates, from its own debug log.
      const sent = run
        .stderr()
        .split('\n')
        .filter((l) => l.includes('debug send candidate') || l.includes('debug send description'));
      expect(sent.some((l) => /typ relay/.test(l))).toBe(true);
      expect(sent.filter((l) => /typ (host|srflx|prflx)/.test(l))).toEqual([]);
      // The pair libdatachannel selected and carried the file on: relay at both ends, on both sides.
      const selected = run
        .stderr()
        .split('\n')
        .filter((l) => l.includes('debug selected candidate pair'))
        .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { local: string; remote: string });
      expect(selected.length).toBeGreaterThan(0);
      for (const pair of selected) {
        expect(pair.local).toMatch(/ typ relay\b/);
        expect(pair.remote).toMatch(/ typ relay\b/);
      }
      expect(run.stderr()).not.toContain('refused a connection');
    }
  } finally {
    await server.stop();
    await turn.stop();
  }
});

test.describe('kopru: interruptions', () => {
  test('Ctrl-C on a sending CLI cancels: the browser shows the transfer cancelled, the CLI exits 1', async ({
    browser,
    roomId,
  }) => {
    const file = makeFile(scratchDir(), 'long.bin', 200 * MiB);
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Ada');
    const cli = runCli(['send', roomLink(roomId), file.path, '--name', 'Kaan', '--to', 'Ada', '--json']);
    await openConversationWith(a.page, 'Kaan');
    await expect(transfers(a.page).first()).toContainText('Kaan wants to send you', { timeout: 60_000 });
    await acceptOffer(a.page);
    await cli.waitFor((e) => e.event === 'progress' && Number(e.doneBytes) > 0, 60_000);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(1);
    // Cancelled, not "waiting for the connection" (Kaan has left the room by then, so the name is gone).
    await expect(transfers(a.page).first()).toContainText('cancelled this transfer.');
  });

  test('the receiver vanishes: the sending CLI counts down and gives up after --timeout (exit 1)', async () => {
    const roomId = `gone-${Date.now()}`;
    const file = makeFile(scratchDir(), 'gone.bin', 200 * MiB);
    const receiver = runCli([
      'receive',
      roomLink(roomId),
      '--out',
      scratchDir(),
      '--yes',
      '--name',
      'Rx',
      '--json',
    ]);
    await receiver.waitFor((e) => e.event === 'waiting');
    const sender = runCli(['send', roomLink(roomId), file.path, '--to', 'Rx', '--timeout', '4', '--json']);
    await receiver.waitFor((e) => e.event === 'progress' && Number(e.doneBytes) > 0, 60_000);
    receiver.child.kill('SIGKILL');
    const countdown = await sender.waitFor((e) => e.event === 'waiting-for-peer');
    expect(countdown).toMatchObject({ peer: 'Rx' });
    expect(await sender.exited).toBe(1);
    expect(sender.events).toContainEqual(
      expect.objectContaining({ event: 'waiting-for-peer', secondsLeft: 0 }),
    );
  });

  test('the server goes away mid-transfer: the CLIs carry on peer to peer and finish (exit 0)', async () => {
    const server = await startServer({ port: E2E_PORT + 13 });
    try {
      const link = `${server.url}/r/serverless-${Date.now()}`;
      const out = scratchDir();
      const file = makeFile(scratchDir(), 'p2p.bin', 150 * MiB);
      const receiver = runCli(['receive', link, '--out', out, '--yes', '--name', 'Rx', '--json']);
      await receiver.waitFor((e) => e.event === 'waiting');
      const sender = runCli(['send', link, file.path, '--to', 'Rx', '--json']);
      await receiver.waitFor((e) => e.event === 'progress' && Number(e.doneBytes) > 0.2 * file.size, 60_000);
      // Gone at once (SIGKILL), not drained: what is left of the file has to go peer to peer.
      const left = receiver.events.filter((e) => e.event === 'progress').at(-1);
      await server.kill();
      expect(Number(left?.doneBytes)).toBeLessThan(file.size);
      expect(await sender.exited).toBe(0);
      expect(await receiver.exited).toBe(0);
      expect(sha256File(path.join(out, 'p2p.bin'))).toBe(file.sha256);
    } finally {
      await server.stop();
    }
  });

  test('a full disk: the receiving CLI refuses what does not fit, saying how much is needed (exit 1)', async () => {
    const roomId = `full-${Date.now()}`;
    const small = path.join(scratchDir(), 'small-disk');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    try {
      const file = makeFile(scratchDir(), 'too-big.bin', 4 * MiB);
      const receiver = runCli([
        'receive',
        roomLink(roomId),
        '--out',
        small,
        '--yes',
        '--name',
        'Rx',
        '--json',
      ]);
      await receiver.waitFor((e) => e.event === 'waiting');
      const sender = runCli(['send', roomLink(roomId), file.path, '--to', 'Rx', '--json']);
      expect(await receiver.exited).toBe(1);
      expect(receiver.stdout()).toMatch(
        /not enough space here: [\d.]+ MiB needed \([\d.]+ (B|KiB|MiB) free\)/,
      );
      expect(await sender.exited).toBe(1);
      expect(sender.stdout()).toMatch(/Rx has not enough space: [\d.]+ MiB needed|Rx declined/);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

test('CLI → Firefox: a file offered from the terminal is accepted and verified by Firefox (exit 0)', async () => {
  test.slow();
  const roomId = `firefox-${Date.now()}`;
  const file = makeFile(scratchDir(), 'to-firefox.bin', 8 * MiB);
  const firefox = await launchFirefox();
  try {
    const ff = await firefox.newPage();
    await ff.goto(`${roomLink(roomId)}`);
    await ff.waitForFunction(() => (document.body.textContent ?? '').includes('Connected'), {
      timeout: 20_000,
    });
    const nameBox = await ff.waitForSelector('::-p-aria(Your name)');
    await nameBox?.click({ count: 3 });
    await nameBox?.type('Firefox');
    await nameBox?.press('Enter');
    const cli = runCli(['send', roomLink(roomId), file.path, '--name', 'Kaan', '--to', 'Firefox', '--json']);
    await (
      await ff.waitForSelector('::-p-aria(People in this room) ::-p-text(Kaan)', { timeout: 30_000 })
    )?.click();
    await (await ff.waitForSelector('::-p-aria(Accept)', { timeout: 60_000 }))?.click();
    await ff.waitForFunction(
      () => (document.body.textContent ?? '').includes('Complete: every file verified'),
      { timeout: 60_000 },
    );
    expect(await cli.exited).toBe(0);
    expect(cli.events).toContainEqual(expect.objectContaining({ event: 'complete', totalBytes: file.size }));
  } finally {
    await firefox.close();
  }
});
