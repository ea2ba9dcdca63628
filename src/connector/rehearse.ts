import { catalog } from '../env/catalog.js';
import type { EnvSet } from '../env/load.js';
import type { ScimSettings } from '../env/settings.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { Judgement } from '../rehearse/judge.js';
import type { ReplayResult, Replayer } from '../rehearse/replayer.js';
import type { RehearseReport } from '../rehearse/types.js';
import { processEnvOf, teamNameOf, teamNamer } from './env.js';
import { ConnectorFailed } from './node-run.js';
import { connectorReplayer, type NamedConnector } from './run.js';

/** What `rehearse` needs to replay through a connector (RehearseRequest.connector). */
export interface ConnectorRehearsal {
  replayer: (parallel: number, world: { profile: ResolvedProfile; settings: ScimSettings }) => Replayer;
  judge: (variable: string, world: Judgement) => Judgement;
  present: (report: RehearseReport) => RehearseReport;
  summary: (results: { baseline?: ReplayResult['connector']; candidate?: ReplayResult['connector'] }) => NonNullable<RehearseReport['connector']>;
}

/**
 * A rehearsal through the team's connector: replays in fresh workers (or child processes) with
 * each mix's env set; judgements that know the connector reads every variable of the env set; and
 * the report under the team's own variable names.
 */
export function connectorRehearsal(connector: NamedConnector, base: EnvSet, candidate: EnvSet, signal?: AbortSignal): ConnectorRehearsal {
  // Why the baseline's replay blocked every account, when it does (see present).
  let allBlocked: string | undefined;
  const baseline = envKey(base);
  return {
    replayer: (parallel, world) => {
      const inner = connectorReplayer(connector, parallel, world, signal);
      return {
        ...inner,
        replay: async (job, extras) => {
          const result = await inner.replay(job, extras);
          // Replays run in parallel: only the baseline's own reason may be quoted as the baseline's.
          if (result.blocked === job.users && !result.partial && job.envSet !== undefined && envKey(job.envSet) === baseline) {
            allBlocked ??= result.reasons[0]?.detail ?? result.reasons[0]?.error;
          }
          return result;
        },
      };
    },
    judge: (variable, world) => judgeForConnector(connector.kind, variable, world, base, candidate),
    present: (report) => {
      // A connector that fails every account with the env set the team starts from judges nothing: every change would look harmless.
      if (report.users > 0 && report.baseline.blocked === report.users) {
        throw new ConnectorFailed(`it blocks every account under the baseline env set as well${allBlocked ? ` (${allBlocked})` : ''}, so no change can be judged; run it with the baseline alone (scimsim run --env …) and make that work first`);
      }
      return inTeamNames(report, base, candidate);
    },
    summary: (results) => ({
      kind: results.candidate?.kind ?? results.baseline?.kind ?? (connector.kind === 'command' ? 'command' : 'event'),
      name: connector.name,
      refused: { baseline: results.baseline?.refused ?? [], candidate: results.candidate?.refused ?? [] },
      unattributed: [...new Set([...(results.baseline?.unattributed ?? []), ...(results.candidate?.unattributed ?? [])])].slice(0, 5),
    }),
  };
}

/**
 * What a world can judge through a connector: the connector reads every variable of the env set,
 * so one scimsim's client does not read is judged by its effect on the world like any other;
 * a command connector talks to the world on loopback in place of the env set's host, so a
 * changed host cannot be seen.
 */
export function judgeForConnector(kind: NamedConnector['kind'], variable: string, world: Judgement, base: EnvSet, candidate: EnvSet): Judgement {
  if (kind === 'command' && (variable === 'SCIM_API_BASE_URL' || variable === 'SCIM_OAUTH_TOKEN_URL') && hostOf(base, variable) !== hostOf(candidate, variable)) {
    return {
      judged: false,
      because: `--connector-cmd serves the world on loopback in place of ${teamNameOf(variable, candidate, base)}'s host, so a changed host cannot be seen`,
      wouldJudge: 'a rehearsal with --connector (a Node connector, whose requests to another host are refused); for this program, check that the new host serves SCIM at that path with your token before you ship it',
    };
  }
  // Not read by scimsim's client (not in the catalog, or declared with usage none), but by the connector.
  const entry = catalog.get(variable);
  if (!entry || (entry.declaredAt !== undefined && entry.switches === undefined)) return { judged: true };
  return world;
}

function hostOf(set: EnvSet, variable: string): string | undefined {
  const value = set.values.get(variable)?.value;
  if (value === undefined) return undefined;
  try {
    return new URL(value).host;
  } catch {
    return undefined;
  }
}

/**
 * The report under the names the team's code reads: every variable a --alias mapped onto a
 * catalog name is shown as the team's name, in changes, causes and hints.
 */
export function inTeamNames(report: RehearseReport, base: EnvSet, candidate: EnvSet): RehearseReport {
  const team = teamNamer(candidate, base);
  if (team === undefined) return report;
  const { name, text } = team;
  return {
    ...report,
    changes: report.changes.map((c) => ({ ...c, variable: name(c.variable), unitId: name(c.unitId) })),
    attribution: report.attribution.map((a) => ({ ...a, variables: a.variables.map(name), causes: a.causes.map((set) => set.map(name)), hint: text(a.hint) })),
  };
}

/** An env set's variables and values as one string: the same for two sets that say the same. */
function envKey(set: EnvSet): string {
  return JSON.stringify(Object.entries(processEnvOf(set)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
