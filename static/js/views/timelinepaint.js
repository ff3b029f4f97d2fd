// @ts-check
/**
 * The timeline's ink: a mark's shape, a state's pattern (so a state reads without its
 * colour), round ticks for the axis, and a duration as the axis and the tooltip write it.
 * @module views/timelinepaint
 */

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} mark
 * @param {number} x
 * @param {number} y the mark's centre
 * @param {number} r its half-size
 */
export function drawMark(ctx, mark, x, y, r) {
  ctx.beginPath();
  switch (mark) {
    case "acquire": // ▼ takes the lock
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y - r);
      ctx.lineTo(x, y + r);
      ctx.fill();
      return;
    case "release": // △ gives it back
      ctx.moveTo(x - r, y + r);
      ctx.lineTo(x + r, y + r);
      ctx.lineTo(x, y - r);
      ctx.closePath();
      ctx.stroke();
      return;
    case "wait": // ◇
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      ctx.stroke();
      return;
    case "notify": // ●
      ctx.arc(x, y, r * 0.8, 0, Math.PI * 2);
      ctx.fill();
      return;
    case "read": // short tick
      ctx.fillRect(x - 0.75, y - r * 0.3, 1.5, r * 1.3);
      return;
    default: // write: tall tick
      ctx.fillRect(x - 1, y - r, 2, r * 2);
  }
}

/** @typedef {import("../ui/palette.js").Palette} Palette */

/**
 * Each state's fill: its colour, and a pattern over it but for Running and Dead.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Palette} palette
 * @returns {Record<string, CanvasPattern | string>}
 */
export function stateFills(ctx, palette) {
  return {
    New: pattern(ctx, palette.states.New, "dots", palette.muted),
    Runnable: pattern(ctx, palette.states.Runnable, "stripes", "rgba(255,255,255,0.55)"),
    Running: palette.states.Running,
    Blocked: pattern(ctx, palette.states.Blocked, "hatch", "rgba(0,0,0,0.35)"),
    Dead: palette.states.Dead,
  };
}

/**
 * A colour with a pattern over it (so a state reads without its colour).
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} colour
 * @param {"dots" | "stripes" | "hatch"} kind
 * @param {string} ink
 * @returns {CanvasPattern | string}
 */
function pattern(ctx, colour, kind, ink) {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const t = /** @type {CanvasRenderingContext2D} */ (tile.getContext("2d"));
  t.fillStyle = colour;
  t.fillRect(0, 0, 8, 8);
  t.fillStyle = ink;
  t.strokeStyle = ink;
  t.lineWidth = 1.5;
  if (kind === "dots") {
    t.fillRect(3, 3, 2, 2);
  } else {
    t.beginPath();
    t.moveTo(0, 8);
    t.lineTo(8, 0);
    if (kind === "hatch") {
      t.moveTo(0, 0);
      t.lineTo(8, 8);
    }
    t.stroke();
  }
  return ctx.createPattern(tile, "repeat") ?? colour;
}

/**
 * About `count` round numbers between a and b.
 * @param {number} a
 * @param {number} b
 * @param {number} count
 * @returns {number[]}
 */
export function niceTicks(a, b, count) {
  const raw = (b - a) / count;
  if (!(raw > 0) || !Number.isFinite(raw)) return [];
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(a / step) * step; v <= b; v += step) out.push(v);
  return out;
}

/** @param {number} s */
export function seconds(s) {
  if (s === 0) return "0 s";
  if (Math.abs(s) < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (Math.abs(s) < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(2)} s`;
}
