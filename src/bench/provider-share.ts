/**
 * `node dist/bench/provider-share.js [users]` (a measuring tool, not a test): how a lifecycle
 * run on the embedded mock splits between the provider core and everything else (client,
 * synthetic users, engine). It runs the lifecycle once through the in-process transport,
 * recording every request the provider answered, then replays those requests into a fresh
 * provider in a tight loop: that is the provider's own cost per request, and what it leaves
 * for the rest of the run (docs/decisions/007-mock-over-raw.md).
 */
import { createInProcessTransport } from '../mock/adapters/in-process.js';
import type { ProviderRequest } from '../mock/core/http.js';
import { ScimProvider } from '../mock/core/provider.js';
import { runScenario } from '../run/engine.js';
import { providerOptionsFor } from '../target/world.js';
import { ScimClient } from '../scim/client/client.js';
import { VirtualClock } from '../scim/clock.js';
import { getDialect } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import type { Transport } from '../scim/transport.js';
import { loadBenchWorld } from './world.js';

const users = Number(process.argv[2] ?? 20_000);
if (!Number.isInteger(users) || users < 100) {
  process.stderr.write('provider-share: give the number of users, at least 100 (default 20000).\n');
  process.exit(1);
}

const { baseline, uncapped: settings, scenario, profile } = await loadBenchWorld();

/** One lifecycle run; with `record`, every request the provider answers is kept with its time. */
async function lifecycle(record?: Array<[ProviderRequest, number]>): Promise<{ ms: number; requests: number }> {
  const provider = new ScimProvider(providerOptionsFor(baseline, profile, 1));
  if (record) {
    const handle = provider.handle.bind(provider);
    provider.handle = (request, now) => {
      record.push([request, now]);
      return handle(request, now);
    };
  }
  const clock = new VirtualClock();
  const transport: Transport = createInProcessTransport(provider, clock);
  let requests = 0;
  const client = new ScimClient(settings, { transport, clock, random: createRandom('client:1'), dialect: getDialect('rfc'), marker: 'scimsim-share-1', onSend: () => void requests++ });
  const started = performance.now();
  await runScenario({ settings, client, scenario, users, seed: 1, marker: 'scimsim-share-1' });
  return { ms: performance.now() - started, requests };
}

await lifecycle(); // warm-up: the same code paths, compiled
const run = await lifecycle();
const recorded: Array<[ProviderRequest, number]> = [];
await lifecycle(recorded);
const replayed = new ScimProvider(providerOptionsFor(baseline, profile, 1));
const started = performance.now();
for (const [request, now] of recorded) replayed.handle(request, now);
const providerMs = performance.now() - started;

const perRequest = (ms: number, n: number): string => `${((ms * 1000) / n).toFixed(1)} µs`;
process.stdout.write(
  [
    `lifecycle run, ${users.toLocaleString('en-US')} users: ${run.requests.toLocaleString('en-US')} requests in ${Math.round(run.ms)} ms, ${Math.round((run.requests / run.ms) * 1000).toLocaleString('en-US')} req/s, ${perRequest(run.ms, run.requests)} per request`,
    `provider alone (the same requests replayed): ${perRequest(providerMs, recorded.length)} per request, ${Math.round((providerMs / run.ms) * 100)}% of the run`,
    `everything else (client, synthetic users, engine): ${perRequest(run.ms - providerMs, run.requests)} per request`,
    '',
  ].join('\n'),
);
