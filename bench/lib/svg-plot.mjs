/**
 * A small, dependency-free SVG line/scatter plot for the bench reports: a
 * linear x axis, a linear or logarithmic y axis, one polyline per series with
 * a marker and a short text label at every point, optional vertical guide
 * lines and a legend to the right of the plot. Output is a plain SVG string
 * (no scripts, no external fonts), so it renders the same in a browser, on
 * GitHub and in an image viewer.
 */

const WIDTH = 980;
const HEIGHT = 600;
const MARGIN = { top: 64, right: 290, bottom: 58, left: 72 };

/** Colours that stay distinct on white and for the common colour-vision deficiencies. */
export const PALETTE = ["#0b61a4", "#1b9e77", "#7570b3", "#66a61e", "#e6ab02", "#d95f02", "#e7298a", "#a6761d", "#666666", "#b2182b"];

/**
 * @typedef {object} PlotPoint
 * @property {number} x
 * @property {number} y a value <= 0 is dropped on a log axis
 * @property {string} [label] printed beside the point (the setting)
 *
 * @typedef {object} PlotSeries
 * @property {string} name legend text
 * @property {PlotPoint[]} points joined in the order given
 * @property {string} [color]
 * @property {"circle" | "square" | "triangle" | "diamond"} [marker]
 * @property {boolean} [dashed] dashed connecting line
 *
 * @param {object} plot
 * @param {string} plot.title
 * @param {string} [plot.subtitle]
 * @param {string} plot.xLabel
 * @param {string} plot.yLabel
 * @param {boolean} [plot.yLog] logarithmic y axis (default true)
 * @param {[number, number]} [plot.xRange] default: the data's range, padded
 * @param {Array<{ x: number, label: string }>} [plot.xGuides] vertical dashed lines
 * @param {PlotSeries[]} plot.series
 * @returns {string} the SVG document
 */
export function renderPlot({ title, subtitle, xLabel, yLabel, yLog = true, xRange, xGuides = [], series }) {
  const drawn = series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length],
    marker: s.marker ?? "circle",
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!yLog || p.y > 0)),
  }));
  const all = drawn.flatMap((s) => s.points);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;

  const [x0, x1] = xRange ?? paddedRange(all.map((p) => p.x), 0.02);
  const xScale = (x) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const yAxis = yLog ? logAxis(all.map((p) => p.y)) : linearAxis(all.map((p) => p.y));
  const yScale = (y) => MARGIN.top + plotH - ((yAxis.map(y) - yAxis.map(yAxis.min)) / (yAxis.map(yAxis.max) - yAxis.map(yAxis.min) || 1)) * plotH;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(text(MARGIN.left, 26, title, { size: 16, weight: "bold" }));
  if (subtitle) out.push(text(MARGIN.left, 46, subtitle, { size: 11, fill: "#444" }));

  // Grid and ticks first, so data is drawn over them.
  for (const tick of linearTicks(x0, x1)) {
    const x = xScale(tick);
    out.push(`<line x1="${f(x)}" y1="${MARGIN.top}" x2="${f(x)}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(text(x, MARGIN.top + plotH + 16, formatTick(tick), { size: 10, anchor: "middle" }));
  }
  for (const tick of yAxis.ticks) {
    const y = yScale(tick.value);
    out.push(`<line x1="${MARGIN.left}" y1="${f(y)}" x2="${MARGIN.left + plotW}" y2="${f(y)}" stroke="${tick.major ? "#d0d0d0" : "#efefef"}"/>`);
    if (tick.label) out.push(text(MARGIN.left - 6, y + 3, formatTick(tick.value), { size: 10, anchor: "end" }));
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(text(MARGIN.left + plotW / 2, HEIGHT - 14, xLabel, { size: 12, anchor: "middle" }));
  out.push(`<text x="18" y="${f(MARGIN.top + plotH / 2)}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${f(MARGIN.top + plotH / 2)})">${escapeXml(yLabel)}</text>`);

  for (const guide of xGuides) {
    if (guide.x < x0 || guide.x > x1) continue;
    const x = xScale(guide.x);
    out.push(`<line x1="${f(x)}" y1="${MARGIN.top}" x2="${f(x)}" y2="${MARGIN.top + plotH}" stroke="#b00" stroke-dasharray="5 4"/>`);
    out.push(text(x - 4, MARGIN.top + 12, guide.label, { size: 10, anchor: "end", fill: "#b00" }));
  }

  // Clip the data to the plot area: a point outside xRange should not spill over the axes.
  out.push(`<clipPath id="plot-area"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  out.push(`<g clip-path="url(#plot-area)">`);
  for (const s of drawn) {
    if (s.points.length > 1) {
      const path = s.points.map((p) => `${f(xScale(p.x))},${f(yScale(p.y))}`).join(" ");
      out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="1.5" stroke-opacity="0.8"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`);
    }
    for (const p of s.points) out.push(marker(s.marker, xScale(p.x), yScale(p.y), s.color));
  }
  out.push("</g>");

  // Point labels after all markers, each at the first of a few spots beside its point that
  // overlaps no label placed before and stays inside the plot; a label with no free spot is
  // left out (points crowd near recall 1, and the printed table has every value anyway).
  const placed = drawn.flatMap((s) => s.points.map((p) => box(xScale(p.x) - 4, yScale(p.y) - 4, 8, 8)));
  const inside = box(MARGIN.left, MARGIN.top, plotW, plotH);
  for (const s of drawn) {
    for (const p of s.points) {
      if (!p.label) continue;
      const px = xScale(p.x);
      const py = yScale(p.y);
      const w = p.label.length * LABEL_CHAR_WIDTH;
      const spots = [
        [px + 6, py - 5, "start"],
        [px - 6, py - 5, "end"],
        [px + 6, py + 11, "start"],
        [px - 6, py + 11, "end"],
        [px - w / 2, py - 9, "start"],
        [px - w / 2, py + 16, "start"],
      ];
      for (const [x, y, anchor] of spots) {
        const left = anchor === "end" ? x - w : x;
        const b = box(left, y - LABEL_HEIGHT + 2, w, LABEL_HEIGHT);
        if (!contains(inside, b) || placed.some((o) => overlaps(o, b))) continue;
        placed.push(b);
        out.push(text(x, y, p.label, { size: 9, anchor, fill: s.color }));
        break;
      }
    }
  }

  // Legend, right of the plot.
  const legendX = MARGIN.left + plotW + 18;
  drawn.forEach((s, i) => {
    const y = MARGIN.top + 8 + i * 20;
    out.push(`<line x1="${legendX}" y1="${y}" x2="${legendX + 24}" y2="${y}" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`);
    out.push(marker(s.marker, legendX + 12, y, s.color));
    out.push(text(legendX + 32, y + 4, s.name, { size: 11 }));
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Approximate size of a 9 px label: enough to keep labels apart without measuring text. */
const LABEL_CHAR_WIDTH = 5.2;
const LABEL_HEIGHT = 10;

const box = (x, y, w, h) => ({ x0: x, y0: y, x1: x + w, y1: y + h });
const overlaps = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const contains = (outer, b) => b.x0 >= outer.x0 && b.x1 <= outer.x1 && b.y0 >= outer.y0 && b.y1 <= outer.y1;

/** [min, max] of the values widened by `pad` of the span on each side; [0, 1] when empty. */
function paddedRange(values, pad) {
  if (values.length === 0) return [0, 1];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) || 1;
  return [min - span * pad, max + span * pad];
}

/** Ticks at a "nice" step (1, 2 or 5 times a power of ten) giving about 8 of them. */
function linearTicks(min, max) {
  const raw = (max - min) / 8 || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

function linearAxis(values) {
  const [min, max] = paddedRange(values, 0.05);
  return { min, max, map: (v) => v, ticks: linearTicks(min, max).map((value) => ({ value, major: true, label: true })) };
}

/**
 * A log10 axis over whole decades around the data, with grid lines at 1-9 x 10^k;
 * labels at 1, 2 and 5 x 10^k (every decade would be too sparse over one or two decades).
 */
function logAxis(values) {
  const positive = values.filter((v) => v > 0);
  const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
  let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  if (hi === lo) hi = lo + 1;
  const ticks = [];
  for (let e = lo; e <= hi; e++) {
    for (let m = 1; m <= 9; m++) {
      const value = m * 10 ** e;
      if (value > 10 ** hi * (1 + 1e-9)) break;
      ticks.push({ value, major: m === 1, label: m === 1 || m === 2 || m === 5 });
    }
  }
  return { min: 10 ** lo, max: 10 ** hi, map: Math.log10, ticks };
}

function marker(kind, x, y, color) {
  const r = 3.5;
  switch (kind) {
    case "square":
      return `<rect x="${f(x - r)}" y="${f(y - r)}" width="${f(2 * r)}" height="${f(2 * r)}" fill="${color}"/>`;
    case "triangle":
      return `<polygon points="${f(x)},${f(y - r - 1)} ${f(x - r - 0.5)},${f(y + r)} ${f(x + r + 0.5)},${f(y + r)}" fill="${color}"/>`;
    case "diamond":
      return `<polygon points="${f(x)},${f(y - r - 1)} ${f(x + r + 1)},${f(y)} ${f(x)},${f(y + r + 1)} ${f(x - r - 1)},${f(y)}" fill="${color}"/>`;
    default:
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${r}" fill="${color}"/>`;
  }
}

function text(x, y, content, { size = 11, anchor = "start", weight, fill = "#222" } = {}) {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${weight ? ` font-weight="${weight}"` : ""}>${escapeXml(content)}</text>`;
}

function formatTick(v) {
  if (v === 0) return "0";
  if (Math.abs(v) >= 1e6 || Math.abs(v) < 0.01) return v.toExponential(0);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  return String(+v.toPrecision(3));
}

/** Coordinates with two decimals keep the file small. */
function f(n) {
  return n.toFixed(2).replace(/\.?0+$/, "");
}

function escapeXml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]);
}
