/**
 * A stable node id for this browser: made once and kept in localStorage, so a phone that
 * reloads the page or reconnects keeps its identity (and its trial) at the coordinator.
 */
import { isSubjectToken } from '@semaigc/protocol';

export const NODE_ID_STORAGE_KEY = 'semaigc.receiver.nodeId';
export const NODE_ID_PREFIX = 'web';

/** `web-` and 8 random hex digits: a valid NATS subject token. */
export function newWebNodeId(): string {
  const b = crypto.getRandomValues(new Uint8Array(4));
  return `${NODE_ID_PREFIX}-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The stored id, or a new one that is stored. Storage can be missing or throw (private
 * browsing, disabled cookies); the page then still works with an id for this visit.
 */
export function stableNodeId(storage: Pick<Storage, 'getItem' | 'setItem'> | null): string {
  try {
    const kept = storage?.getItem(NODE_ID_STORAGE_KEY);
    if (isSubjectToken(kept)) return kept;
  } catch {
    // fall through to a fresh id
  }
  const id = newWebNodeId();
  try {
    storage?.setItem(NODE_ID_STORAGE_KEY, id);
  } catch {
    // not persisted: this visit keeps the id, a reload gets another
  }
  return id;
}
