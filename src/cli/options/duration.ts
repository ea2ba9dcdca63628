// The parser lives beside the load engine, whose thresholds read durations too (`:abort=30s`).
export { parseDuration } from '../../load/duration.js';
