import type { JUnitProperty } from './junit.js';
import { code } from './markdown.js';

/** The mock world a report was played in, and the env set it was built for. */
export interface ReportWorld {
  name: string;
  builtFor: string;
}

/** `world staging, built for staging.env`: a line of a report header. */
export function describeWorld(world: ReportWorld): string {
  return `world ${world.name}, built for ${world.builtFor}`;
}

export function describeWorldMarkdown(world: ReportWorld): string {
  return `world ${code(world.name)}, built for ${code(world.builtFor)}`;
}

/** The world as JUnit suite properties (`scimsim.world`, `scimsim.world.builtFor`). */
export function worldProperties(world: ReportWorld): JUnitProperty[] {
  return [
    { name: 'scimsim.world', value: world.name },
    { name: 'scimsim.world.builtFor', value: world.builtFor },
  ];
}
