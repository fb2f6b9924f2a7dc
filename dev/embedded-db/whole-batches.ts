/**
 * Makes pglite-socket's connection multiplexer safe for postgres.js pools.
 *
 * PGlite is one Postgres backend. `PGLiteSocketServer` lets several client connections share it by
 * queueing their wire-protocol messages, but it interleaves them one *message* at a time and keeps
 * a connection's turn only inside an explicit transaction block. A postgres.js query is a batch of
 * extended-protocol messages (Parse, Bind, Describe, Execute, Sync) that share the backend's
 * unnamed statement and portal, so two connections querying at once clobber each other: measured
 * with pglite-socket 0.2.17 and `max: 5`, `portal "" does not exist`, and with `prepare: false`,
 * parameters bound to the other connection's statement.
 *
 * {@link withWholeBatches} wraps the database that the server is given so that a connection keeps
 * the backend from its first message until the backend answers ReadyForQuery with status idle:
 * through a whole batch, and through a whole explicit transaction (and a COPY), as before.
 *
 * @module
 */

import type { PGlite } from "@electric-sql/pglite";

/** ReadyForQuery: type byte `Z`, length 5, then one status byte (`I` idle, `T`, `E`). */
const READY_FOR_QUERY = [0x5a, 0x00, 0x00, 0x00, 0x05] as const;
const READY_FOR_QUERY_LENGTH = READY_FOR_QUERY.length + 1;
const STATUS_IDLE = 0x49; // "I"
/** Frontend Terminate (`X`): the client leaves; nothing is answered, and no batch is open. */
const TERMINATE = 0x58;
/** Frontend Sync (`S`, length 4): ends an extended-protocol batch that a client left unfinished. */
const SYNC_MESSAGE = new Uint8Array([0x53, 0x00, 0x00, 0x00, 0x04]);

type RawStreamOptions = Parameters<PGlite["execProtocolRawStream"]>[1];

/**
 * Wraps `db` for `new PGLiteSocketServer({ db })` so that concurrent client connections never
 * interleave inside each other's query batches. Everything but the three methods the server's
 * queue relies on (`execProtocolRawStream`, `isInTransaction`, `exec`) passes through unchanged.
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
 *
 * const db = await PGlite.create();
 * const server = new PGLiteSocketServer({ db: withWholeBatches(db), port: 0, maxConnections: 16 });
 * await server.start();
 * ```
 */
export function withWholeBatches(db: PGlite): PGlite {
  // True from a message that leaves the backend mid-batch until its answer ends with idle
  // ReadyForQuery. The server's queue reads it through isInTransaction() and then serves only the
  // connection whose turn it is.
  let midBatch = false;

  const execProtocolRawStream = async (message: Uint8Array, options: RawStreamOptions) => {
    const tail = new Uint8Array(READY_FOR_QUERY_LENGTH);
    let tailLength = 0;
    await db.execProtocolRawStream(message, {
      ...options,
      onRawData: (data) => {
        keepTail(tail, tailLength, data);
        tailLength = Math.min(READY_FOR_QUERY_LENGTH, tailLength + data.length);
        options.onRawData(data);
      },
    });
    midBatch = message[0] !== TERMINATE &&
      !(tailLength === READY_FOR_QUERY_LENGTH && isIdleReadyForQuery(tail));
  };

  const isInTransaction = () => midBatch || db.isInTransaction();

  // The server calls exec("ROLLBACK") when a connection leaves while it holds the backend. If it
  // left mid-batch, a Sync closes that batch first (and its implicit transaction with it).
  const exec: PGlite["exec"] = async (query, options) => {
    if (midBatch) {
      midBatch = false;
      await db.execProtocolRaw(SYNC_MESSAGE);
    }
    return await db.exec(query, options);
  };

  const overrides: Record<PropertyKey, unknown> = { execProtocolRawStream, isInTransaction, exec };
  return new Proxy(db, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value = Reflect.get(target, property, target);
      // PGlite keeps state in #private fields: its methods must run with the real instance as this.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Shifts the last bytes of `data` into `tail` (a ring would be faster; answers are small). */
function keepTail(tail: Uint8Array, tailLength: number, data: Uint8Array): void {
  if (data.length >= tail.length) {
    tail.set(data.subarray(data.length - tail.length));
    return;
  }
  const kept = Math.min(tailLength, tail.length - data.length);
  tail.copyWithin(0, tailLength - kept, tailLength);
  tail.set(data, kept);
}

function isIdleReadyForQuery(tail: Uint8Array): boolean {
  return READY_FOR_QUERY.every((byte, i) => tail[i] === byte) &&
    tail[READY_FOR_QUERY.length] === STATUS_IDLE;
}
