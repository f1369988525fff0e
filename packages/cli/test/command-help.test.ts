import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

/** Runs `gatehouse <args>` in this process and keeps what it printed. */
async function gatehouse(args: string[]) {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const code = await main(
    args,
    {},
    { info: (line) => lines.stdout.push(line), error: (line) => lines.stderr.push(line) },
  );
  return { code, stdout: lines.stdout.join('\n'), stderr: lines.stderr.join('\n') };
}

/** Every command and subcommand the top-level help lists. */
const COMMANDS = [
  'serve',
  'migrate',
  'keys',
  'keys rotate',
  'keys list',
  'tenants',
  'tenants create',
  'tenants list',
  'users',
  'users create',
  'users list',
  'totp',
  'totp add',
  'totp list',
  'totp code',
  'totp remove',
  'totp rename',
  'totp export',
  'totp import',
  'totp passwd',
  'lock',
  'unlock',
  'login',
  'status',
  'whoami',
  'sessions',
  'sessions revoke',
  'logout',
  'audit',
];

describe('gatehouse <command> [subcommand] --help', () => {
  it('the list above covers every command of the top-level help', async () => {
    const { code, stdout } = await gatehouse(['--help']);
    expect(code).toBe(0);
    const commandSection = stdout.slice(stdout.indexOf('Commands:'), stdout.indexOf('Options:'));
    // Command lines start with two spaces and a name; alternatives follow a "|".
    const listed = [...commandSection.matchAll(/^ {2}([a-z]+)(?: \| ([a-z]+))?/gm)].flatMap((match) =>
      match.slice(1).filter(Boolean),
    );
    expect(listed.length).toBeGreaterThan(10);
    for (const name of listed) expect(COMMANDS).toContain(name);
  });

  it.each(COMMANDS)('%s --help prints its own help, not the top-level one', async (command) => {
    const topLevel = (await gatehouse(['--help'])).stdout;
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await gatehouse([...command.split(' '), flag]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).not.toBe(topLevel);
      expect(stdout).toMatch(/^Usage:/);
      expect(stdout).toContain(`gatehouse ${command}`);
    }
  });

  it('a command with subcommands lists their usage; each subcommand explains its options', async () => {
    const users = await gatehouse(['users', '--help']);
    expect(users.stdout).toContain('gatehouse users create --email <email> --password-stdin');
    expect(users.stdout).toContain('gatehouse users list [--tenant <slug>]');
    const create = await gatehouse(['users', 'create', '--help']);
    expect(create.stdout).toMatch(/--role admin +Also give the admin role/);
    expect(create.stdout).not.toContain('gatehouse users list');
    // Help wins over the options a run would need (no --email, no stdin here).
    expect((await gatehouse(['users', 'create', '--email', 'a@example.com', '--help'])).code).toBe(0);
  });

  it('without --help, a server command still reports a usage error (nothing runs)', async () => {
    const { code, stderr } = await gatehouse(['keys']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Usage: gatehouse keys rotate/);
  });
});
