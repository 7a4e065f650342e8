import { randomBytes } from 'node:crypto';

/** `sess_` + 20 lowercase hex characters. */
export function newSessionId(): string {
  return `sess_${randomBytes(10).toString('hex')}`;
}

export function newConnectionId(nodeId: string, counter: number): string {
  return `${nodeId}.${counter.toString(36)}`;
}
