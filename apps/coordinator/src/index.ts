/**
 * @semaigc/coordinator — the live testbed's coordinator: node registry, trials, split
 * policies (plug-in), edge selection (plug-in), recorder, HTTP + socket.io relay and the
 * dashboard. See README.md.
 */
export * from './errors';
export * from './api-types';
export { createMetrics, type CoordinatorMetrics, type NodeRefusal } from './metrics';
export {
  startCoordinator,
  DEFAULT_COORDINATOR,
  type CoordinatorOptions,
  type CoordinatorHandle,
  type StartTrialOptions,
} from './coordinator';
export {
  parseTrialConfig,
  requestChannel,
  requestStepTime,
  DEFAULT_TRIAL,
  ARRIVALS,
  type TrialConfig,
  type TrialConfigInput,
} from './config/trial-config';
export { loadTrialConfig, parseTrialText, trialConfigToYaml } from './config/trial-file';
export { resolvePrompts, readGrammar, DEFAULT_GUIDANCE_SCALE } from './config/prompts';
export * from './policies/policy';
export * from './policies/builtin';
export {
  registerPolicy,
  unregisterPolicy,
  policyNames,
  createPolicy,
  type PolicyConfig,
  type PolicyFactory,
  type RegisterPolicyOptions,
} from './policies/registry';
export * from './edges/selector';
export {
  OVERLOAD_SEMANTICS,
  type OverloadSemantics,
  overloadReason,
  plannedEdgeSteps,
} from './edges/capacity';
export {
  NodeRegistry,
  type NodeEntry,
  type NodeTransport,
  type NodeRegistryOptions,
} from './registry/node-registry';
export * from './recorder/summary';
export { renderSummaryTable } from './recorder/summary-table';
export { summarizeDelivery, type DeliverySummary, type TransportSummary } from './recorder/delivery-summary';
export { RECORD_CSV_COLUMNS, recordToCsvLine, csvHeader, csvCell, csvLines } from './recorder/csv';
export { Recorder, runFiles, type RunFiles } from './recorder/recorder';
export { encodePng } from './recorder/png';
export { makeTrialId, requestIdFor, regenerationSeed, REGENERATION_SEED_STRIDE } from './trial/ids';
export { arrivalOffsetsMs } from './trial/arrivals';
export { buildSummary, type SummaryInput } from './trial/report';
export type { RunTrialOptions } from './trial/links';
export { makeJoinCode, joinUrl, lanAddress, qrSvg, qrDataUrl } from './http/join';
export { ISOLATION_HEADERS } from './http/server';
