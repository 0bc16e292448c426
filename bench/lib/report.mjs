/**
 * The printed comparison: one line per metric with both values, the ratio
 * ours / theirs (quiverdb / lancedb), which direction is better, and a verdict.
 */

/**
 * @typedef {object} Metric
 * @property {string} metric
 * @property {"rows/s" | "ms" | "us" | "x" | "count" | "recall" | "MB" | "relative error"} unit
 *   "x": a ratio of two times; "us": microseconds; "count": a number of things (requests)
 * @property {"higher" | "lower" | "none"} better "none": informational, no winner
 * @property {number | string | undefined} quiverdb a number, or a string such as "error"
 * @property {number | string | undefined} lancedb
 */

/** ours / theirs, or undefined when either side has no number. */
export function ratioOf(metric) {
  const { quiverdb: ours, lancedb: theirs } = metric;
  if (typeof ours !== "number" || typeof theirs !== "number" || !Number.isFinite(ours) || !Number.isFinite(theirs)) return undefined;
  if (theirs === 0) return ours === 0 ? 1 : undefined;
  return ours / theirs;
}

/** Who wins a metric and by how much, in words. */
export function verdictOf(metric) {
  const ratio = ratioOf(metric);
  if (ratio === undefined || metric.better === "none") return "";
  if (ratio === 1) return "same";
  if (Math.abs(ratio - 1) < 0.02) return "about the same";
  const oursBetter = metric.better === "higher" ? ratio > 1 : ratio < 1;
  const factor = ratio >= 1 ? ratio : 1 / ratio;
  return `${oursBetter ? "quiverdb" : "lancedb"} ${factor.toFixed(2)}x better`;
}

function formatValue(value, unit) {
  if (value === undefined) return "n/a";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case "rows/s":
      return Math.round(value).toLocaleString("en-US");
    case "ms":
      return Math.abs(value) < 1 ? value.toFixed(3) : Math.abs(value) < 10 ? value.toFixed(2) : Math.abs(value) < 100 ? value.toFixed(1) : value.toFixed(0);
    case "us":
      return value.toFixed(1);
    case "x":
      return value.toFixed(2);
    case "count":
      return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(1);
    case "recall":
      return value.toFixed(3);
    case "MB":
      return value.toFixed(1);
    case "relative error":
      return value === 0 ? "0" : value.toExponential(1);
    default:
      return String(value);
  }
}

/** The comparison as fixed-width text lines. */
export function formatTable(metrics) {
  const header = ["metric", "quiverdb", "lancedb", "ratio q/l", "better", "verdict"];
  const body = metrics.map((m) => {
    const ratio = ratioOf(m);
    return [
      `${m.metric} (${m.unit})`,
      formatValue(m.quiverdb, m.unit),
      formatValue(m.lancedb, m.unit),
      ratio === undefined || m.better === "none" ? "-" : ratio.toFixed(2),
      m.better === "none" ? "-" : m.better,
      verdictOf(m),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = new Set([1, 2, 3]);
  const line = (cells) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}
