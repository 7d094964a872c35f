import { randomBytes } from 'node:crypto';

/** A fresh id usable as a NATS subject token: `<prefix>-<8 hex>`. */
export function newNodeId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
