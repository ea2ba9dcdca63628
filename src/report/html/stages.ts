import { STAGES, type Stage } from '../../run/ledger.js';
import { PALETTE } from './svg.js';

/** One colour per stage, the same in the run and the rehearse report. */
export function stageColor(stage: Stage): string {
  return PALETTE[STAGES.indexOf(stage) % PALETTE.length] ?? '#555555';
}
