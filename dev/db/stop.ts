/**
 * `deno task db:stop`: stops the local PostgreSQL cluster that `db:start` started (same
 * UNIT_ECONOMICS_DB_DIR). Its data stays; `db:start` brings it back.
 *
 * @module
 */
import { stopCluster } from "./cluster.ts";
import { localCluster } from "./local.ts";

if (import.meta.main) {
  try {
    const { dataDir } = localCluster();
    const stopped = await stopCluster(dataDir);
    console.error(`db:stop: ${stopped ? "stopped" : "not running"}: ${dataDir}`);
  } catch (error) {
    console.error(`db:stop: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
