import { Command, InvalidArgumentError, Option } from 'commander';
import { read } from 'read';
import { runChat } from './chat.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { parseRoomLink, parseServer } from './link.js';
import { releaseNodeDataChannel } from './node-peer-connection.js';
import { Output } from './output.js';
import { joinRoom, newRoomLink } from './runtime.js';
import { runReceive, runSend } from './transfer-commands.js';

declare const KOPRU_VERSION: string;
const VERSION = typeof KOPRU_VERSION === 'string' ? KOPRU_VERSION : '0.0.0-dev';

/** Flags every command that joins a room takes. */
interface CommonFlags {
  server?: string;
  insecure: boolean;
  relayOnly: boolean;
  name?: string;
  password?: string;
  timeout: number;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0');
  return n;
};

function withCommonFlags(cmd: Command): Command {
  return cmd
    .option('-n, --name <name>', 'the name others see (default: a random short one)')
    .option('--server <url>', "the signaling server (default: the link's own)")
    .option('-k, --insecure', "accept the server's self-signed certificate (like curl -k)", false)
    .option(
      '--relay-only',
      'send everything through the TURN relay: peers never learn your IP address',
      false,
    )
    .option('--password <password>', 'the room password, when the room has one (asked for in a terminal)')
    .option('--timeout <seconds>', 'give up waiting for the other person after this long', seconds, 600)
    .option('--json', 'machine-readable progress: one JSON object per line on stdout', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .addOption(new Option('--verbose', 'log the WebRTC and signaling details to stderr').default(false));
}

const outputOf = (flags: CommonFlags): Output =>
  new Output({ json: flags.json, quiet: flags.quiet, verbose: flags.verbose });

/** The room password, asked in the terminal without showing it (asked again after a wrong one). */
const askPassword = (): (() => Promise<string>) | undefined =>
  process.stdin.isTTY
    ? async () =>
        String(
          await read({
            prompt: 'This room has a password: ',
            silent: true,
            replace: '*',
            output: process.stderr,
          }),
        )
    : undefined;

const joinOptions = (flags: CommonFlags, out: Output) => ({
  insecure: flags.insecure,
  out,
  name: flags.name,
  password: flags.password,
  askPassword: askPassword(),
  relayOnly: flags.relayOnly,
});

const EXIT_CODES_HELP = `
Exit codes:
  0  done: every file verified by the receiver (or the chat ended)
  1  declined, cancelled, failed verification, or nobody came before --timeout
  2  bad usage or a bad link
  3  cannot reach the server (or it refused to let us in)`;

export function buildProgram(run: (code: Promise<ExitCode>) => void): Command {
  const program = new Command('kopru')
    .description(
      'Send and receive files and chat with people in a Köprü room, in a browser or a terminal,\n' +
        'peer to peer over WebRTC: the server only introduces you.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  $ kopru new                                   make a room, show its link + QR code, wait for files
  $ kopru send https://kopru.example/r/Ab3xYz9Q report.pdf photos/
  $ kopru receive https://kopru.example/r/Ab3xYz9Q --out ~/Downloads --yes
  $ kopru chat https://kopru.example/r/Ab3xYz9Q --to Ayşe
  $ kopru send https://localhost:8443/r/Ab3xYz9Q big.iso --insecure --json | jq .
${EXIT_CODES_HELP}

Run "kopru <command> --help" for a command's options.`,
    );

  withCommonFlags(
    program
      .command('send')
      .description('offer files and folders to someone in the room; ends when they verified every byte')
      .argument('<link>', 'the room link (https://<server>/r/<room>)')
      .argument('<paths...>', 'files and folders (folders keep their relative paths)')
      .option('--to <name>', 'the person to send to (default: the only other person; asked when several)'),
  )
    .addHelpText('after', `\nThe receiver sees names and sizes and accepts or declines.${EXIT_CODES_HELP}`)
    .action((link: string, paths: string[], flags: CommonFlags & { to?: string }) => {
      const out = outputOf(flags);
      run(
        (async () => {
          const roomLink = parseRoomLink(link, flags.server);
          return runSend(roomLink, paths, {
            ...joinOptions(flags, out),
            to: flags.to,
            timeoutMs: flags.timeout * 1000,
          });
        })(),
      );
    });

  withCommonFlags(
    program
      .command('receive')
      .description('wait for files, show the offer, and save them into a folder after checking their SHA-256')
      .argument('<link>', 'the room link (https://<server>/r/<room>)')
      .option('-o, --out <dir>', 'where to save (default: the current folder)', '.')
      .option('--from <name>', 'accept offers only from this person')
      .option('-y, --yes', 'accept without asking', false),
  )
    .addHelpText(
      'after',
      `
Files arrive as "<name>.kopru-part" with a "<name>.kopru-state" beside it; after verification they are
renamed into place. An existing file is never overwritten: " (1)" is added. Run the same command again
after an interruption and it resumes from the partial file.${EXIT_CODES_HELP}`,
    )
    .action((link: string, flags: CommonFlags & { out: string; from?: string; yes: boolean }) => {
      const out = outputOf(flags);
      run(
        (async () => {
          const roomLink = parseRoomLink(link, flags.server);
          return runReceive(roomLink, {
            ...joinOptions(flags, out),
            dir: flags.out,
            from: flags.from,
            yes: flags.yes,
            timeoutMs: flags.timeout * 1000,
          });
        })(),
      );
    });

  withCommonFlags(
    program
      .command('chat')
      .description('a line-based chat with the room, or with one person (--to)')
      .argument('<link>', 'the room link (https://<server>/r/<room>)')
      .option('--to <name>', 'chat privately with this person (default: everyone in the room)'),
  )
    .addHelpText(
      'after',
      `
Each line you type is a message. Your messages show "sent", "delivered" and "read" as the others'
browsers acknowledge them; theirs count as read once printed. With stdin from a pipe, the command ends
when every line was delivered.${EXIT_CODES_HELP}`,
    )
    .action((link: string, flags: CommonFlags & { to?: string }) => {
      const out = outputOf(flags);
      run(
        (async () => {
          const roomLink = parseRoomLink(link, flags.server);
          const joined = await joinRoom({ ...joinOptions(flags, out), link: roomLink });
          try {
            return await runChat(joined, { to: flags.to, timeoutMs: flags.timeout * 1000, out });
          } finally {
            joined.close();
          }
        })(),
      );
    });

  withCommonFlags(
    program
      .command('new')
      .description('make a new room, print its link and a QR code for a phone, then wait for files')
      .option('--no-wait', 'only print the link and QR code')
      .option('-o, --out <dir>', 'where to save received files (default: the current folder)', '.')
      .option('-y, --yes', 'accept files without asking', false),
  )
    .addHelpText('after', `\n--server is needed unless KOPRU_SERVER is set.${EXIT_CODES_HELP}`)
    .action((flags: CommonFlags & { wait: boolean; out: string; yes: boolean }) => {
      const out = outputOf(flags);
      run(
        (async () => {
          const server = flags.server ?? process.env.KOPRU_SERVER;
          if (!server) throw new CliError(EXIT.usage, 'say which server: --server URL (or KOPRU_SERVER)');
          const link = await newRoomLink(parseServer(server), { insecure: flags.insecure, out });
          out.print(link.href);
          out.event('room', { link: link.href, roomId: link.roomId });
          if (!flags.json && !flags.quiet) {
            // Loaded here only: the QR printer is the largest part of the bundle and no other command needs it.
            const { default: QRCode } = await import('qrcode');
            const qr = await QRCode.toString(link.href, { type: 'terminal', small: true });
            process.stderr.write(`${qr}\nScan it with a phone, or open the link in a browser.\n`);
          }
          if (!flags.wait) return EXIT.done;
          return runReceive(link, {
            ...joinOptions(flags, out),
            dir: flags.out,
            from: undefined,
            yes: flags.yes,
            timeoutMs: flags.timeout * 1000,
          });
        })(),
      );
    });
  return program;
}

/** Runs the command line; resolves with the exit code (also on a thrown CliError or a usage error). */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let pending: Promise<ExitCode> | undefined;
  const program = buildProgram((code) => {
    pending = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
      return EXIT.done;
    }
    return EXIT.usage;
  }
  if (!pending) return EXIT.done;
  try {
    return await pending;
  } catch (error) {
    const json = argv.includes('--json');
    const out = new Output({ json, quiet: false, verbose: false });
    if (error instanceof CliError) {
      out.error(error.message);
      return error.exitCode;
    }
    out.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.failed;
  }
}

const code = await main(process.argv.slice(2));
releaseNodeDataChannel();
process.exitCode = code;
// libdatachannel and socket.io may hold the event loop a little longer; the answer is final.
setTimeout(() => process.exit(code), 200).unref();
