import { EventEmitter } from 'node:events';
import type { Db } from '../database/sql';
import type { SnapshotChange } from './snapshot-change';

export type ChangeListener = (change: SnapshotChange) => void;

/**
 * Tells subscribers of committed snapshot changes. A service calls `publish`
 * inside the changing transaction and `committed` once it has committed; each
 * feed acts on the one that suits it, so only committed changes are told, once.
 */
export interface ChangeFeed {
  publish(tx: Db, changes: readonly SnapshotChange[]): Promise<void>;
  committed(changes: readonly SnapshotChange[]): void;
  subscribe(listener: ChangeListener): () => void;
  /** How many subscriptions this instance is serving. */
  subscriberCount(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Delivery inside this process, for the embedded database: one process owns
 * it, so every subscriber is here.
 */
export class LocalChangeFeed implements ChangeFeed {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(_tx: Db, _changes: readonly SnapshotChange[]): Promise<void> {}

  committed(changes: readonly SnapshotChange[]): void {
    for (const change of changes) this.emitter.emit('change', change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  subscriberCount(): number {
    return this.emitter.listenerCount('change');
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
