import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ConnectorRehearsal } from '../../connector/rehearse.js';
import type { ConnectorRunRequest, NamedConnector } from '../../connector/run.js';
import type { EnvSet } from '../../env/load.js';
import { UserError, type SourceLocation } from '../../errors/user-error.js';
import type { RunReport } from '../../report/run-report.js';
import type { CliIO } from '../io.js';

/** --connector, --connector-cmd and --connector-concurrency (run and rehearse). */
export interface ConnectorArgs {
  connector?: string | undefined;
  'connector-cmd'?: string | undefined;
  'connector-concurrency'?: number | undefined;
}

const DEFAULT_CONCURRENCY = 8;

/** Adds the connector flags. */
export function withConnectorOptions<T>(yargs: Argv<T>): Argv<T & ConnectorArgs> {
  return yargs
    .option('connector', {
      type: 'string',
      description: "mock: your own Node connector makes the writes instead of scimsim's client: a module exporting handle(event) or sync(desiredState), run with the env set as its process.env",
    })
    .option('connector-cmd', {
      type: 'string',
      description: 'mock: your own program makes the writes: events as JSON lines on stdin, one {"id":…,"ok":true} or {"id":…,"error":"…"} line per event on stdout; the world is served on loopback',
    })
    .option('connector-concurrency', {
      type: 'number',
      description: `--connector: events of one step handled at once by an event connector (default ${DEFAULT_CONCURRENCY})`,
    }) as Argv<T & ConnectorArgs>;
}

/** The connector the flags name, checked; undefined without --connector or --connector-cmd. */
export function connectorFromArgs(args: ConnectorArgs & { target: 'mock' | 'live' }, io: CliIO, command: string): NamedConnector | undefined {
  const module = args.connector;
  const cmd = args['connector-cmd'];
  if (module === undefined && cmd === undefined) {
    if (args['connector-concurrency'] !== undefined) throw new UserError('bad-flags', `Failed to ${command}: --connector-concurrency needs --connector.`);
    return undefined;
  }
  if (module !== undefined && cmd !== undefined) throw new UserError('bad-flags', `Failed to ${command}: --connector and --connector-cmd name two connectors.`, { hint: 'Give one of them.' });
  if (args.target !== 'mock') {
    throw new UserError('bad-flags', `Failed to ${command}: a connector runs against the embedded world only (--target mock).`, {
      hint: 'Rehearse your connector on the mock; against a live target, run your connector itself.',
    });
  }
  if (cmd !== undefined) {
    if (args['connector-concurrency'] !== undefined) {
      throw new UserError('bad-flags', `Failed to ${command}: --connector-concurrency is for a Node connector (--connector); a --connector-cmd program is sent every event of a step at once and answers at its own pace.`);
    }
    if (cmd.trim() === '') throw new UserError('bad-flags', `Failed to ${command}: --connector-cmd is empty.`, { hint: 'Write --connector-cmd "python3 sync.py".' });
    return { kind: 'command', command: cmd, cwd: io.cwd, name: cmd };
  }
  const path = resolve(io.cwd, module as string);
  if (!existsSync(path)) {
    throw new UserError('connector-missing', `Failed to ${command}: the connector ${module} does not exist.`, {
      location: { file: module as string },
      hint: 'Pass the path of a Node module (.js or .mjs) that exports handle(event) or sync(desiredState).',
    });
  }
  const concurrency = args['connector-concurrency'] ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UserError('bad-flags', `Failed to ${command}: --connector-concurrency ${concurrency} is not a whole number from 1 to 256.`);
  }
  if (!mswInstalled()) {
    throw new UserError('msw-missing', `Failed to ${command}: --connector intercepts your connector's requests with msw, which is not installed.`, {
      hint: 'msw is an optional peer dependency of scimsim: install it beside scimsim (npm install --save-dev msw).',
    });
  }
  return { kind: 'node', module: path, concurrency, name: module as string };
}

/** Whether msw resolves from scimsim's own modules (an optional peer dependency: users install it for --connector). */
function mswInstalled(): boolean {
  try {
    import.meta.resolve('msw/node');
    return true;
  } catch {
    return false;
  }
}

/** A `run` through the connector (the connector's modules are loaded only here). */
export async function runConnector(request: ConnectorRunRequest): Promise<{ report: RunReport }> {
  const { runThroughConnector, ConnectorFailed } = await loadConnector();
  try {
    return await runThroughConnector(request);
  } catch (error) {
    throw failed(error, request.connector, 'run', ConnectorFailed);
  }
}

/** RehearseRequest.connector for the flags' connector. */
export async function rehearseConnector(connector: NamedConnector, base: EnvSet, candidate: EnvSet, signal?: AbortSignal): Promise<ConnectorRehearsal> {
  const { connectorRehearsal, ConnectorFailed } = await loadConnector();
  const hooks = connectorRehearsal(connector, base, candidate, signal);
  return {
    ...hooks,
    present: (report) => {
      try {
        return hooks.present(report);
      } catch (error) {
        throw failed(error, connector, 'rehearse', ConnectorFailed);
      }
    },
    replayer: (parallel, world) => {
      const inner = hooks.replayer(parallel, world);
      return {
        ...inner,
        replay: async (job, extras) => {
          try {
            return await inner.replay(job, extras);
          } catch (error) {
            throw failed(error, connector, 'rehearse', ConnectorFailed);
          }
        },
      };
    },
  };
}

async function loadConnector() {
  const [run, rehearse, node] = await Promise.all([import('../../connector/run.js'), import('../../connector/rehearse.js'), import('../../connector/node-run.js')]);
  return { runThroughConnector: run.runThroughConnector, connectorRehearsal: rehearse.connectorRehearsal, ConnectorFailed: node.ConnectorFailed };
}

function failed(error: unknown, connector: NamedConnector, command: string, kind: new (...args: never[]) => Error): unknown {
  if (!(error instanceof kind)) return error;
  const location = (error as { location?: SourceLocation }).location;
  return new UserError('connector-failed', `Failed to ${command}: the connector ${connector.name} could not be run: ${error.message}.`, {
    ...(location ? { location } : {}),
    hint: connector.kind === 'node' ? 'A connector is a Node module exporting handle(event) (optionally setup() and teardown()) or sync(desiredState); see the README, "Rehearse your own connector".' : 'See the README, "Rehearse your own connector", for the JSON-lines protocol.',
  });
}
