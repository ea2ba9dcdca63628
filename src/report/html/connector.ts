import { connectorNotes, describeConnector } from '../connector.js';
import type { ConnectorKind, RefusedRequest } from '../../connector/types.js';
import { html, type SafeHtml } from './html.js';

/**
 * The connector section of a run or rehearse page: what made the writes, the requests it sent
 * where the env set does not point (method, host and path only), and errors no account was named for.
 */
export function connectorSection(connector: { kind: ConnectorKind; name: string; refused: readonly RefusedRequest[] | { baseline: readonly RefusedRequest[]; candidate: readonly RefusedRequest[] }; unattributed: readonly string[] } | undefined): SafeHtml | '' {
  if (connector === undefined) return '';
  const notes = connectorNotes(connector);
  return html`<h2>Connector</h2>
<p data-section="connector">${describeConnector(connector)}.</p>
${notes.length > 0 ? html`<pre data-section="connector-notes">${notes.join('\n')}</pre>` : html`<p class="note">No request outside the env set; no error without an account.</p>`}`;
}
