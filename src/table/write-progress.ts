import type { IngestProgress } from "../embedding/ingest-stage.js";
import type { WriteProgress } from "./table-types.js";

/** The progress callbacks a write accepts: LanceDB's `progress` and Quiver's `onProgress` events. */
export interface ProgressCallbacks {
  progress?: (progress: WriteProgress) => void;
  onProgress?: (progress: IngestProgress) => void;
}

/**
 * Reports the writing phase of a write to both callbacks: after each fragment
 * file and once when the version is committed. Each callback is an observer: an
 * error it throws is ignored (as LanceDB does) and never stops the other one.
 */
export function progressReporter(callbacks: ProgressCallbacks, totalRows: number) {
  const started = performance.now();
  let outputRows = 0;
  const report = (done: boolean) => {
    const elapsedSeconds = (performance.now() - started) / 1000;
    try {
      callbacks.progress?.({
        outputRows,
        outputBytes: 0,
        totalRows,
        elapsedSeconds,
        activeTasks: done ? 0 : 1,
        totalTasks: 1,
        done,
      });
    } catch {
      // ignored: see above
    }
    if (done) return;
    try {
      callbacks.onProgress?.({ phase: "writing", rowsWritten: outputRows, rowsTotal: totalRows, elapsedSeconds });
    } catch {
      // ignored: see above
    }
  };
  return {
    written(rows: number) {
      outputRows += rows;
      report(false);
    },
    done() {
      report(true);
    },
  };
}
