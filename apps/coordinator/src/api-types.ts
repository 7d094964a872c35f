/**
 * JSON shapes of the HTTP API (/api/*) and of the dashboard's socket.io events. Types only,
 * importing nothing Node-specific, so the dashboard page (web/) shares them.
 */
import type { Capabilities, NodeRole, WireBytes } from '@semaigc/protocol';
import type { CoordinatorMetrics } from './metrics';
import type { TrialSummary } from './recorder/summary';

export interface NodeSummary {
  nodeId: string;
  role: NodeRole;
  name: string;
  capabilities: Capabilities;
  transport: 'nats' | 'socket';
  status: 'online' | 'offline';
  offlineReason: string | null;
  /** Coordinator clock (ms). */
  firstSeenAt: number;
  lastSeenAt: number;
  /** Hellos received; > 1 means it reconnected. */
  hellos: number;
  beats: number;
  lastSeq: number | null;
  /** Beats the sequence numbers say were lost. */
  missedBeats: number;
  /** What the node last reported. */
  reportedInFlight: number;
  reportedQueued: number;
  /** Requests the coordinator sent it that are not finished (its own count, no heartbeat lag). */
  assigned: number;
  /** The trial a receiver is assigned to (kept across reconnects). */
  trialId: string | null;
}

export type TrialState = 'starting' | 'running' | 'completed' | 'aborted' | 'failed';

export interface TrialProgress {
  done: number;
  failed: number;
  total: number;
  inFlight: number;
  meanSatisfaction: number | null;
  lastRequestId: string | null;
  elapsedMs: number;
}

export interface TrialInfo {
  trialId: string;
  name: string;
  policy: string;
  state: TrialState;
  createdAt: number;
  progress: TrialProgress;
  /** Set when the trial ended (any status). */
  summary: TrialSummary | null;
  /** Why it could not start or failed. */
  error: string | null;
  runDir: string | null;
}

export interface JoinInfo {
  code: string;
  /** http://<lan-ip>:<port>/r/?join=<code> */
  url: string;
}

export interface DashboardSnapshot {
  coordinatorId: string;
  join: JoinInfo;
  nodes: NodeSummary[];
  trials: TrialInfo[];
  metrics: CoordinatorMetrics;
}

/** Dashboard page → coordinator. */
export interface DashboardClientEvents {
  /** Joins the 'dashboard' room; the ack carries the current state. */
  dashboard: (ack: (snapshot: DashboardSnapshot) => void) => void;
}

/** Coordinator → dashboard pages (besides trial.* and preview, which are protocol messages). */
export interface DashboardServerEvents {
  nodes: (nodes: NodeSummary[]) => void;
  trials: (trials: TrialInfo[]) => void;
  /** Each record as written to records.jsonl, encoded like every protocol message. */
  record: (msg: WireBytes<'record'>) => void;
  metrics: (metrics: CoordinatorMetrics) => void;
}

export const DASHBOARD_ROOM = 'dashboard';
