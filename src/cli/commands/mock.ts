import type { Argv } from 'yargs';
import { startMockServer } from '../../mock/adapters/server.js';
import { ScimProvider } from '../../mock/core/provider.js';
import { DEFAULT_PROFILE_PATH, loadProfile } from '../../mock/profile/load-profile.js';
import { resolveProfile } from '../../mock/profile/resolve-profile.js';
import { UserError } from '../../errors/user-error.js';
import { shippedFile } from '../../paths.js';
import { providerOptionsFor } from '../../target/world.js';
import { EXIT, type CommandContext } from '../context.js';
import { withAliasOptions } from '../env-options.js';
import { loadValidSettings } from '../valid-settings.js';

interface MockArgs {
  'server-profile'?: string | undefined;
  port: number;
  env?: string[] | undefined;
  seed: number;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

export function mockCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .option('server-profile', { type: 'string', description: 'server profile JSON (default: fixtures/servers/default.json)' })
        .option('port', { type: 'number', default: 0, description: 'port on 127.0.0.1 (0 picks a free one)' })
        .option('env', { type: 'string', array: true, description: 'env set whose base path and credentials the mock serves (default: fixtures/env/baseline.env)' })
        .option('seed', { type: 'number', default: 1, description: 'seed of ids, latency and faults' })
        .example('$0 mock --server-profile fixtures/servers/staging.json --port 8787', 'a realistic staging world on a fixed port'),
    handler: async (args: MockArgs) => {
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
        throw new UserError('bad-port', `Failed to start the mock: --port ${args.port} is not a port number.`, { hint: 'Use 0..65535; 0 picks a free port.' });
      }
      const settings = await loadValidSettings(args.env ?? [shippedFile('fixtures/env/baseline.env')], [], args, ctx.io, '--env');
      const profile = resolveProfile(await loadProfile(args['server-profile'] ?? DEFAULT_PROFILE_PATH, ctx.io.cwd));
      const provider = new ScimProvider(providerOptionsFor(settings, profile, args.seed));
      const server = await startMockServer(provider, { port: args.port }).catch((error: NodeJS.ErrnoException) => {
        throw new UserError('mock-listen', `Failed to start the mock on port ${args.port}: ${error.code ?? error.message}.`, {
          hint: error.code === 'EADDRINUSE' ? 'Pick another --port, or 0 for a free one.' : 'Check the port.',
        });
      });
      // Listen for the signals before announcing the origin: a caller may signal
      // as soon as it reads the line, and without a listener Node dies of it.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      ctx.io.stdout.write(`listening ${server.origin}\n`);
      await stopped;
      await server.close();
      ctx.exitCode = EXIT.ok;
    },
  };
}
