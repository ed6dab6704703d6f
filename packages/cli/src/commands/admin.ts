/**
 * `callgate admin …`: the hub's admin operations from a shell, straight on its database (so the
 * first admin can be created before anyone can log in, and changes work with the hub stopped).
 * Every change is audited as `cli:<os user>`, like the HTTP API audits `user:<id>`.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import {
  databaseUrlOf,
  HubCore,
  importContactsCsv,
  loadHubConfig,
  migrationProgressText,
  openDatabase,
  silentLogger,
  type Actor,
  type ImportProgress,
} from '@callgate/hub';
import type { Role } from '@callgate/contracts';
import { parseFlags, required, UsageError, type Command, type CommandContext } from '../command.js';

const help = `Usage: callgate admin <command> [options] [--config FILE] [--data-dir DIR]

Works on the hub's database directly (the same one \`callgate hub\` uses: --config, --data-dir,
DATABASE_URL), with or without the hub running. Every change is audited as cli:<your user>.

Sites
  create-site --id ID --name NAME --gateway-url URL [--time-zone Europe/Tallinn] [--country EE]
  site-credential --site ID [--out FILE]
      Issue (or rotate: the old one stops working) the credential the site's gateway uplink
      uses. Printed once, or written to FILE (mode 0600) for the gateway's hub.credentialFile.
  list-sites

Users
  create-user --id ID --name NAME --role operator|supervisor|admin [--site ID|*]
              [--extension EXT] [--endpoint PJSIP/1001] [--password-file FILE]
      Without --password-file a random password is made and printed once.
  set-password --id ID [--password-file FILE]      (ends the user's sessions)
  disable-user --id ID                             (ends the user's sessions)
  list-users [--site ID]

Queues
  put-queue --site ID --name QUEUE --label "Support line"
  add-member --site ID --queue QUEUE --user ID
  remove-member --site ID --queue QUEUE --user ID

Contacts
  import-contacts FILE.csv [--country EE]
      Columns: name, company, email, notes, external_id, phone… (docs/hub.md).

Token keys
  rotate-keys [--immediate]
      A new signing key, published now and signing after tokens.prepublishHours; --immediate
      signs with it at once and stops the old keys (after a suspected leak).`;

const COMMON = { config: { type: 'string' }, 'data-dir': { type: 'string' } } as const;

async function readPassword(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '') throw new UsageError(`password file ${file} is empty`);
  return first;
}

const newPassword = (): string => randomBytes(15).toString('base64url');

function role(value: string): Role {
  if (value === 'operator' || value === 'supervisor' || value === 'admin') return value;
  throw new UsageError(`--role must be operator, supervisor or admin, got "${value}"`);
}

async function withCore<T>(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  fn: (core: HubCore, actor: Actor) => Promise<T>,
  ctx?: CommandContext,
): Promise<T> {
  const config = loadHubConfig({
    ...(values.config === undefined ? {} : { file: values.config }),
    ...(values['data-dir'] === undefined ? {} : { overrides: { dataDir: values['data-dir'] } }),
  });
  const database = await openDatabase({
    url: databaseUrlOf(config),
    ...(config.database.schema === undefined ? {} : { schema: config.database.schema }),
    // The first admin command on a new database creates the schema: say so.
    ...(ctx === undefined
      ? {}
      : { onMigration: (progress) => ctx.stderr.write(`callgate admin: ${migrationProgressText(progress)}\n`) }),
  });
  try {
    const core = new HubCore(database, { config, logger: silentLogger() });
    let name = 'unknown';
    try {
      name = userInfo().username || 'unknown';
    } catch {
      // no passwd entry (some containers): the audit says cli:unknown
    }
    return await fn(core, `cli:${name}`);
  } finally {
    await database.close();
  }
}

/**
 * Progress of a large import on stderr, every tenth of the file (a million contacts take
 * minutes); a file of one batch or less says nothing until its summary.
 */
export function importProgress(ctx: Pick<CommandContext, 'stderr'>): (progress: ImportProgress) => void {
  let lastTenth = 0;
  return ({ done, total }) => {
    if (total <= 1000) return;
    const tenth = Math.floor((done / total) * 10);
    if (tenth === lastTenth && done !== total) return;
    lastTenth = tenth;
    ctx.stderr.write(`callgate admin: ${done} of ${total} contacts stored (${Math.floor((done / total) * 100)} %)\n`);
  };
}

const json = (ctx: CommandContext, value: unknown): void => {
  ctx.stdout.write(`${JSON.stringify(value)}\n`);
};

type Handler = (args: string[], ctx: CommandContext) => Promise<number>;

const handlers: Record<string, Handler> = {
  async 'create-site'(args, ctx) {
    const { values } = parseFlags(args, {
      ...COMMON,
      id: { type: 'string' },
      name: { type: 'string' },
      'gateway-url': { type: 'string' },
      'time-zone': { type: 'string' },
      country: { type: 'string' },
    });
    const site = await withCore(
      values,
      (core, actor) =>
        core.sites.create(actor, {
          id: required(values.id, 'id'),
          name: required(values.name, 'name'),
          gatewayUrl: required(values['gateway-url'], 'gateway-url'),
          ...(values['time-zone'] === undefined ? {} : { timeZone: values['time-zone'] }),
          ...(values.country === undefined ? {} : { defaultCountry: values.country }),
        }),
      ctx,
    );
    json(ctx, site);
    return 0;
  },

  async 'site-credential'(args, ctx) {
    const { values } = parseFlags(args, { ...COMMON, site: { type: 'string' }, out: { type: 'string' } });
    const issued = await withCore(
      values,
      (core, actor) => core.sites.issueCredential(actor, required(values.site, 'site')),
      ctx,
    );
    if (values.out !== undefined) {
      await writeFile(values.out, `${issued.credential}\n`, { mode: 0o600 });
      ctx.stderr.write(
        `site credential for ${issued.site} written to ${values.out}; the previous one no longer works\n`,
      );
    } else {
      ctx.stdout.write(`${issued.credential}\n`);
      ctx.stderr.write(`site credential for ${issued.site}: shown once; put it in the gateway's hub.credentialFile\n`);
    }
    return 0;
  },

  async 'list-sites'(args, ctx) {
    const { values } = parseFlags(args, COMMON);
    for (const site of await withCore(values, (core) => core.sites.list(), ctx)) json(ctx, site);
    return 0;
  },

  async 'create-user'(args, ctx) {
    const { values } = parseFlags(args, {
      ...COMMON,
      id: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      site: { type: 'string' },
      extension: { type: 'string' },
      endpoint: { type: 'string' },
      'password-file': { type: 'string' },
    });
    const userRole = role(required(values.role, 'role'));
    const site = values.site ?? (userRole === 'admin' ? '*' : undefined);
    const generated = values['password-file'] === undefined;
    const password = generated ? newPassword() : await readPassword(values['password-file'] as string);
    const user = await withCore(
      values,
      (core, actor) =>
        core.users.create(actor, {
          id: required(values.id, 'id'),
          name: required(values.name, 'name'),
          role: userRole,
          site: required(site, 'site'),
          ...(values.extension === undefined ? {} : { extension: values.extension }),
          ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
          password,
        }),
      ctx,
    );
    json(ctx, user);
    if (generated) ctx.stderr.write(`password for ${user.id} (shown once): ${password}\n`);
    return 0;
  },

  async 'set-password'(args, ctx) {
    const { values } = parseFlags(args, { ...COMMON, id: { type: 'string' }, 'password-file': { type: 'string' } });
    const generated = values['password-file'] === undefined;
    const password = generated ? newPassword() : await readPassword(values['password-file'] as string);
    const user = await withCore(
      values,
      (core, actor) => core.users.update(actor, required(values.id, 'id'), { password }),
      ctx,
    );
    if (generated) ctx.stderr.write(`new password for ${user.id} (shown once): ${password}\n`);
    ctx.stderr.write(`${user.id}: password set; their sessions have ended\n`);
    return 0;
  },

  async 'disable-user'(args, ctx) {
    const { values } = parseFlags(args, { ...COMMON, id: { type: 'string' } });
    const user = await withCore(
      values,
      (core, actor) => core.users.update(actor, required(values.id, 'id'), { disabled: true }),
      ctx,
    );
    json(ctx, user);
    return 0;
  },

  async 'list-users'(args, ctx) {
    const { values } = parseFlags(args, { ...COMMON, site: { type: 'string' } });
    await withCore(
      values,
      async (core) => {
        let cursor: string | undefined;
        do {
          const page = await core.users.list({
            limit: 500,
            ...(values.site === undefined ? {} : { site: values.site }),
            ...(cursor === undefined ? {} : { cursor }),
          });
          for (const user of page.items) json(ctx, user);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
      },
      ctx,
    );
    return 0;
  },

  async 'put-queue'(args, ctx) {
    const { values } = parseFlags(args, {
      ...COMMON,
      site: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string' },
    });
    const queue = await withCore(
      values,
      (core, actor) =>
        core.sites.putQueue(
          actor,
          required(values.site, 'site'),
          required(values.name, 'name'),
          required(values.label, 'label'),
        ),
      ctx,
    );
    json(ctx, queue);
    return 0;
  },

  async 'add-member'(args, ctx) {
    const { values } = parseFlags(args, {
      ...COMMON,
      site: { type: 'string' },
      queue: { type: 'string' },
      user: { type: 'string' },
    });
    const queue = await withCore(
      values,
      (core, actor) =>
        core.sites.addMember(
          actor,
          required(values.site, 'site'),
          required(values.queue, 'queue'),
          required(values.user, 'user'),
        ),
      ctx,
    );
    json(ctx, queue);
    return 0;
  },

  async 'remove-member'(args, ctx) {
    const { values } = parseFlags(args, {
      ...COMMON,
      site: { type: 'string' },
      queue: { type: 'string' },
      user: { type: 'string' },
    });
    const queue = await withCore(
      values,
      (core, actor) =>
        core.sites.removeMember(
          actor,
          required(values.site, 'site'),
          required(values.queue, 'queue'),
          required(values.user, 'user'),
        ),
      ctx,
    );
    json(ctx, queue);
    return 0;
  },

  async 'import-contacts'(args, ctx) {
    const { values, positionals } = parseFlags(args, { ...COMMON, country: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('import-contacts takes exactly one CSV file');
    const text = await readFile(positionals[0] as string, 'utf8');
    const progress = importProgress(ctx);
    const result = await withCore(
      values,
      (core, actor) => importContactsCsv(core, actor, text, values.country, progress),
      ctx,
    );
    for (const rejected of result.rejected) {
      ctx.stderr.write(`line ${rejected.line}: ${rejected.problems.map((p) => `${p.path} ${p.reason}`).join('; ')}\n`);
    }
    ctx.stderr.write(`${result.created} created, ${result.updated} updated, ${result.rejected.length} rejected\n`);
    return result.rejected.length === 0 ? 0 : 1;
  },

  async 'rotate-keys'(args, ctx) {
    const { values } = parseFlags(args, { ...COMMON, immediate: { type: 'boolean' } });
    const key = await withCore(
      values,
      async (core, actor) => {
        await core.keys.ensure();
        return core.keys.rotate(actor, values.immediate === true);
      },
      ctx,
    );
    json(ctx, key);
    return 0;
  },
};

export const adminCommand: Command = {
  name: 'admin',
  summary: "the hub's admin operations: sites, site credentials, users, queues, contacts, keys",
  help,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const handler = sub === undefined ? undefined : handlers[sub];
    if (handler === undefined) {
      throw new UsageError(sub === undefined ? 'missing admin command' : `unknown admin command "${sub}"`);
    }
    return handler(rest, ctx);
  },
};
