/**
 * docs/deploy.md and deploy/ as a test follows them: the shell blocks the guide marks
 * `<!-- tested: NAME -->`, the `ExecStart=` and `Environment=` of the systemd units, and the
 * rewrites that move a production layout (/etc/callgate, /var/lib/callgate, /opt/callgate,
 * https://crm.example.com, ports 8080/8081) onto one test machine. The commands themselves are
 * the guide's, word for word.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every `<!-- tested: NAME -->` block of the guide: its commands, continuation lines joined. */
export function testedBlocks(markdown: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  const pattern = /<!-- tested: ([a-z-]+) -->\s*\n```sh\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    const [, name = '', body = ''] = match;
    const commands = body
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (blocks.has(name)) throw new Error(`docs/deploy.md marks two blocks "${name}"`);
    blocks.set(name, commands);
  }
  return blocks;
}

export interface UnitCommand {
  argv: string[];
  environment: Record<string, string>;
}

/** `ExecStart=` split into words and the `Environment=` assignments of a unit, `%i` filled in. */
export function unitCommand(unit: string, instance?: string): UnitCommand {
  const fill = (text: string): string => (instance === undefined ? text : text.replaceAll('%i', instance));
  const lines = unit.split('\n').map((line) => line.trim());
  const exec = lines.filter((line) => line.startsWith('ExecStart='));
  if (exec.length !== 1) throw new Error(`expected one ExecStart= in the unit, found ${exec.length}`);
  const environment: Record<string, string> = {};
  for (const line of lines.filter((l) => l.startsWith('Environment='))) {
    for (const assignment of fill(line.slice('Environment='.length)).split(/\s+/)) {
      const eq = assignment.indexOf('=');
      if (eq > 0) environment[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return { argv: fill(exec[0]?.slice('ExecStart='.length) ?? '').split(/\s+/), environment };
}

/** Literal replacements, longest first so `/etc/callgate/x` is not cut by a shorter one. */
export function rewrite(text: string, replacements: ReadonlyMap<string, string>): string {
  const keys = [...replacements.keys()].sort((a, b) => b.length - a.length);
  let out = '';
  for (let i = 0; i < text.length;) {
    const key = keys.find((k) => text.startsWith(k, i));
    if (key === undefined) {
      out += text[i];
      i += 1;
    } else {
      out += replacements.get(key);
      i += key.length;
    }
  }
  return out;
}

export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A directory of stand-ins put first on PATH: `callgate` runs this checkout's bin with the
 * test's Node, and `sudo -u USER …` runs the command as the test's own user (the test cannot
 * create OS users; what the guide's `sudo -u callgate` checks — that nothing needs root — is
 * covered by the test running unprivileged paths only).
 */
export async function commandShims(dir: string, callgateBin: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'callgate'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(callgateBin)} "$@"\n`,
  );
  await writeFile(
    join(dir, 'sudo'),
    '#!/bin/sh\n# sudo -u USER [-H] COMMAND…: the command, as the current user\nwhile [ $# -gt 0 ]; do\n  case "$1" in\n    -u) shift 2 ;;\n    -H|-E) shift ;;\n    *) break ;;\n  esac\ndone\nexec "$@"\n',
  );
  await chmod(join(dir, 'callgate'), 0o755);
  await chmod(join(dir, 'sudo'), 0o755);
  return dir;
}

/** Runs one command line of the guide with `sh -c` (its quoting is the guide's own). */
export function runCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ command, code, stdout, stderr }));
  });
}
