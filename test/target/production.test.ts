import { describe, expect, it } from 'vitest';
import { checkLiveConsent } from '../../src/target/production.js';
import { scimSettings } from '../helpers/scim-settings.js';

const at = (host: string) => scimSettings(`https://${host}/scim/v2`);

describe('production consent', () => {
  it.each(['prod1.example.com', 'scim-prod01.example.com', 'prodscim.example.com', 'scim_prod.example.com', 'scim.prod.example.com', 'api-prd2.example.com', 'scimprod.example.com', 'production.example.com'])('asks for consent before writing to %s', (host) => {
    expect(() => checkLiveConsent(at(host), {})).toThrow(/looks like production/);
    expect(() => checkLiveConsent(at(host), { allow: [host] })).not.toThrow();
  });

  it.each(['staging.example.com', 'product.example.com', 'producer.example.com', 'reproduce.example.com', '127.0.0.1'])('needs no consent for %s', (host) => {
    expect(() => checkLiveConsent(at(host), {})).not.toThrow();
  });
});
