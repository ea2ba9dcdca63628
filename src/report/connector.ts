import type { ConnectorKind, RefusedRequest } from '../connector/types.js';

const KIND: Record<ConnectorKind, string> = { event: 'event connector', sync: 'sync connector', command: 'command connector' };

/** `event connector examples/…/connector.mjs`: what made the writes. */
export function describeConnector(connector: { kind: ConnectorKind; name: string }): string {
  return `writes made by your ${KIND[connector.kind]} ${connector.name}`;
}

/** One refused request per line: `GET scim.prod.example.com/acme/scim/v2/Users (200×)`. */
export function describeRefused(refused: readonly RefusedRequest[]): string[] {
  return refused.map((r) => `${r.method} ${r.host}${r.path}${r.count > 1 ? ` (${r.count.toLocaleString('en-US')}×)` : ''}`);
}

/** Lines a report shows about the connector's requests outside the env set and its stray errors. */
export function connectorNotes(connector: { refused: readonly RefusedRequest[] | { baseline: readonly RefusedRequest[]; candidate: readonly RefusedRequest[] }; unattributed: readonly string[] }): string[] {
  const out: string[] = [];
  const groups = Array.isArray(connector.refused)
    ? [{ label: '', refused: connector.refused as readonly RefusedRequest[] }]
    : [
        { label: ' (baseline)', refused: (connector.refused as { baseline: readonly RefusedRequest[] }).baseline },
        { label: ' (candidate)', refused: (connector.refused as { candidate: readonly RefusedRequest[] }).candidate },
      ];
  for (const { label, refused } of groups) {
    if (refused.length === 0) continue;
    out.push(`refused: requests to where the env set does not point${label}, answered with a network error:`);
    for (const line of describeRefused(refused).slice(0, 10)) out.push(`  ${line}`);
    if (refused.length > 10) out.push(`  … and ${refused.length - 10} more (see --format json)`);
  }
  if (connector.unattributed.length > 0) {
    out.push('connector errors no account was named for:');
    for (const line of connector.unattributed) out.push(`  ${line}`);
  }
  return out;
}

/** JUnit suite properties for a report written through a connector: what wrote, and every note. */
export function connectorProperties(connector: Parameters<typeof connectorNotes>[0] & { kind: ConnectorKind; name: string }): Array<{ name: string; value: string }> {
  const notes = connectorNotes(connector);
  return [{ name: 'connector', value: describeConnector(connector) }, ...(notes.length > 0 ? [{ name: 'connector.notes', value: notes.join('\n') }] : [])];
}
