/**
 * A picture of the Grafana dashboard the library renders, for the README.
 *
 * `dashboardPreviewHtml(model)` lays the panels of a Grafana dashboard JSON model (what
 * `grafanaDashboardModel` returns) out as a static, self-contained HTML page: each panel at its gridPos
 * (24 columns over PAGE_WIDTH pixels, ROW_HEIGHT pixels a row), its title, a small SVG chart whose axis
 * is labelled in the panel's unit, a line and a legend entry per series, and the alert threshold as a
 * dashed red line. The lines are illustrative (deterministic pseudo-random series), not measurements.
 *
 * As a script (`node scripts/run-ts.js scripts/dashboard-preview.ts [out.png]`): builds the model of the
 * default dashboard and screenshots the page with headless chromium to docs/dashboard.png.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { grafanaDashboardModel } from '../lib/k8s/grafana-dashboard';
import { seededRandom } from '../lib/k8s/load/books-data';
import { DEFAULT_ALERT_THRESHOLDS } from '../lib/shared/alerts';
import { cockroachDashboardPanels, DASHBOARD_GRID_COLUMNS } from '../lib/shared/dashboard';

/** Width of the page, in pixels. */
export const PAGE_WIDTH = 1600;
/** Height of a grid row, in pixels (Grafana's). */
export const ROW_HEIGHT = 30;
/** Height of the page's header (dashboard title and disclaimer), above the grid. */
export const HEADER_HEIGHT = 72;
/** Space below the grid. */
const FOOTER_HEIGHT = 8;
/** Space between a panel's grid box and its card, each side (half Grafana's 8 px grid margin). */
const CARD_INSET = 4;
/** The disclaimer the page's header carries. */
export const DISCLAIMER = 'Panel layout of the dashboard the library renders; the lines are illustrative, not measurements.';
/** The instances a legend with `{{instance}}` is drawn for: pod addresses, as prometheus-operator labels them. */
export const PREVIEW_INSTANCES = ['10.8.0.11:8080', '10.8.1.12:8080', '10.8.2.13:8080'];

/** What the preview reads of a Grafana dashboard model. */
interface ModelTarget {
  readonly refId?: string;
  readonly expr?: string;
  readonly legendFormat?: string;
}
interface ModelPanel {
  readonly id?: number;
  readonly title?: string;
  readonly description?: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly fieldConfig?: {
    readonly defaults?: {
      readonly unit?: string;
      readonly decimals?: number;
      readonly thresholds?: { readonly steps?: ReadonlyArray<{ readonly color: string; readonly value: number | null }> };
    };
  };
  readonly targets?: readonly ModelTarget[];
}
interface Model {
  readonly title?: string;
  readonly panels?: readonly ModelPanel[];
}

// Grafana's dark theme.
const PAGE_BG = '#111217';
const PANEL_BG = '#181b1f';
const PANEL_BORDER = '#2c3235';
const TEXT = '#ccccdc';
const TEXT_WEAK = '#9fa7b3';
const GRID = 'rgba(204,204,220,0.09)';
const AXIS = 'rgba(204,204,220,0.25)';
const THRESHOLD_RED = '#F2495C';
/** Grafana's classic palette, in order. */
const PALETTE = ['#7EB26D', '#EAB839', '#6ED0E0', '#EF843C', '#E24D42', '#1F78C1', '#BA43A9', '#705DA0', '#508642', '#CCA300', '#447EBC', '#C15C17'];
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Points of each series: six hours, one every five minutes. */
const POINTS = 73;
const STEP_SECONDS = 300;
/** The x axis's labels (the illustrative six hours). */
const HOURS = ['10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'];

const GIB = 1024 ** 3;
const DAY = 86400;

/** Text escaped for HTML (element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A number with at most `digits` decimals, without trailing zeros (and never `-0`). */
function num(n: number, digits = 2): string {
  const r = Number(n.toFixed(digits));
  return String(r === 0 ? 0 : r);
}

/** Scaled display of a value: the value divided by `factor`, followed by `suffix`. */
interface Scale { readonly factor: number; readonly suffix: string }

/** Unit steps of a Grafana unit, smallest first; a value is shown in the largest step it reaches. */
function unitScales(unit: string | undefined): readonly Scale[] {
  switch (unit) {
    case 'percentunit': return [{ factor: 0.01, suffix: '%' }];
    case 'bytes': return ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'].map((s, i) => ({ factor: 1024 ** i, suffix: ` ${s}` }));
    case 'ns': return [
      { factor: 1, suffix: ' ns' }, { factor: 1e3, suffix: ' µs' }, { factor: 1e6, suffix: ' ms' },
      { factor: 1e9, suffix: ' s' }, { factor: 60e9, suffix: ' min' }, { factor: 3600e9, suffix: ' hour' },
    ];
    case 's': return [
      { factor: 1, suffix: ' s' }, { factor: 60, suffix: ' min' }, { factor: 3600, suffix: ' hour' },
      { factor: DAY, suffix: ' day' }, { factor: 7 * DAY, suffix: ' week' }, { factor: 365 * DAY, suffix: ' year' },
    ];
    case 'ops': return [' ops/s', 'K ops/s', 'Mil ops/s', 'Bil ops/s'].map((s, i) => ({ factor: 1000 ** i, suffix: s }));
    case 'short': return ['', ' K', ' Mil', ' Bil'].map((s, i) => ({ factor: 1000 ** i, suffix: s }));
    default: return [{ factor: 1, suffix: '' }];
  }
}

/** The scale a value is shown in: the largest step it reaches (the smallest for zero). */
function scaleOf(unit: string | undefined, value: number): Scale {
  const scales = unitScales(unit);
  let chosen = scales[0];
  for (const s of scales) if (Math.abs(value) >= s.factor) chosen = s;
  return chosen;
}

/** A value in a Grafana unit, as Grafana writes it: `80%`, `6 GiB`, `200 ms`, `1.5K ops/s`, `2 week`. */
export function formatValue(unit: string | undefined, value: number): string {
  const s = scaleOf(unit, value);
  return `${num(value / s.factor)}${s.suffix}`;
}

/** The y axis of a panel: from 0 to `max`, ticks at `ticks`. */
interface Axis { readonly max: number; readonly ticks: readonly number[] }

/** A 0-based axis over values up to `top`: four to six round ticks in the unit's scale of `top`. */
function yAxis(unit: string | undefined, top: number, wholeNumbers: boolean): Axis {
  const scale = scaleOf(unit, top);
  const scaledTop = top > 0 ? top / scale.factor : 1;
  const raw = scaledTop / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * 0.999) ?? 10 * magnitude;
  if (wholeNumbers && scale.factor === 1) step = Math.max(1, Math.ceil(step));
  const count = Math.max(1, Math.ceil(scaledTop / step - 1e-9));
  const ticks = Array.from({ length: count + 1 }, (_, i) => i * step * scale.factor);
  return { max: count * step * scale.factor, ticks };
}

/** A deterministic pseudo-random generator (the books data's mulberry32) seeded by a text's FNV-1a hash. */
function random(seedText: string): () => number {
  let seed = 0x811c9dc5;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 0x01000193) >>> 0;
  return seededRandom(seed);
}

/** A smooth wandering series around 1 (an AR(1) walk plus a slow wave), `amplitude` its relative spread. */
function wander(rand: () => number, amplitude: number): number[] {
  const phase = rand() * Math.PI * 2;
  let e = 0;
  return Array.from({ length: POINTS }, (_, k) => {
    e = 0.85 * e + (rand() - 0.5) * 0.9;
    return 1 + amplitude * (0.6 * e + 0.5 * Math.sin(phase + (k / POINTS) * Math.PI * 2));
  });
}

/** One line of a panel: its legend text and its (illustrative) values. */
interface Series { readonly legend: string; readonly refId: string; readonly values: readonly number[] }

/** The legend of a target for an instance: `{{instance}}` is the instance, any other `{{label}}` a `1`. */
function legendText(format: string, instance: string | undefined): string {
  return format.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, label: string) => (label === 'instance' ? instance ?? '' : '1'));
}

/** The red (alert) threshold of a panel, when it has one. */
export function panelThreshold(panel: ModelPanel): number | undefined {
  const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
  const red = steps.find((s) => s.color === 'red' && typeof s.value === 'number');
  return red ? (red.value as number) : undefined;
}

/**
 * Illustrative values of one series, plausible for the panel's unit and on the healthy side of its
 * threshold: below it, except for a time left (an expression ending in `- time()`), which is healthy
 * above it. `k` is the series' index in the panel, `t` its target's, `i` its instance's (or -1).
 */
function illustrativeValues(panel: ModelPanel, target: ModelTarget, seed: string, k: number, t: number, i: number): number[] {
  const rand = random(seed);
  const unit = panel.fieldConfig?.defaults?.unit;
  const threshold = panelThreshold(panel);
  const legend = target.legendFormat ?? '';
  const at = i < 0 ? 0 : i;
  const cap = (values: number[], max: number, min = 0) => values.map((v) => Math.min(max, Math.max(min, v)));
  switch (unit) {
    case 'percentunit': {
      if (threshold === undefined) return cap(wander(rand, 0.15).map((w) => (0.3 + 0.08 * k) * w), 0.95);
      return cap(wander(rand, 0.18).map((w) => threshold * (0.42 + 0.09 * k) * w), threshold * 0.9);
    }
    case 'bytes': {
      const limit = 8 * GIB;
      if (/limit|capacity|total/i.test(legend)) return Array.from({ length: POINTS }, () => limit);
      return cap(wander(rand, 0.1).map((w) => (3.4 + 0.5 * at + 0.3 * t) * GIB * w), Math.min(limit, threshold ?? Infinity) * 0.85);
    }
    case 'ns': {
      if (threshold !== undefined) return cap(wander(rand, 0.3).map((w) => threshold * (0.22 + 0.06 * k) * w), threshold * 0.8);
      return cap(wander(rand, 0.3).map((w) => (0.5 + 0.9 * t + 0.15 * at) * 1e6 * w), 20e6, 0.05e6);
    }
    case 'ops': {
      const level = i >= 0 ? 260 * (1 + 0.7 * t) + 45 * at : 1300 / (1 + 2.2 * t);
      return cap(wander(rand, 0.25).map((w) => level * w), (threshold ?? Infinity) * 0.85);
    }
    case 's': {
      const timeLeft = /-\s*time\(\)\s*$/.test(target.expr ?? '');
      if (timeLeft) {
        // Days left on a certificate: far above the line, counting down.
        const start = Math.max(4 * (threshold ?? 0), 60 * DAY) * (1 + 2 * t) + rand() * 5 * DAY;
        return Array.from({ length: POINTS }, (_, p) => start - p * STEP_SECONDS);
      }
      // An age that resets on each completion: a saw-tooth.
      const period = Math.min(3600, (threshold ?? Infinity) * 0.6);
      const offset = rand() * period;
      return Array.from({ length: POINTS }, (_, p) => ((offset + p * STEP_SECONDS) % period) + 60);
    }
    case 'short': {
      // Counts are flat and whole: nodes, the hourly backup, no failures.
      const level = /live|nodes/i.test(legend) ? PREVIEW_INSTANCES.length : /succe/i.test(legend) ? 1 : 0;
      return Array.from({ length: POINTS }, () => (threshold !== undefined && level >= threshold ? 0 : level));
    }
    default:
      return cap(wander(rand, 0.2).map((w) => w * (threshold ?? 2) * 0.5), (threshold ?? Infinity) * 0.9);
  }
}

/** The lines of a panel: one per target, or one per instance for a legend with `{{instance}}`. */
function panelSeries(panel: ModelPanel): Series[] {
  const series: Series[] = [];
  (panel.targets ?? []).forEach((target, t) => {
    const format = target.legendFormat ?? target.expr ?? '';
    const refId = target.refId ?? String.fromCharCode(65 + t);
    const instances = /\{\{\s*instance\s*\}\}/.test(format) ? PREVIEW_INSTANCES : [undefined];
    instances.forEach((instance, i) => {
      const seed = `${panel.title ?? ''}|${refId}|${instance === undefined ? '' : i}`;
      series.push({
        legend: legendText(format, instance),
        refId,
        values: illustrativeValues(panel, target, seed, series.length, t, instance === undefined ? -1 : i),
      });
    });
  });
  return series;
}

/** A panel's box on the page, from its gridPos. */
export function panelBox(gridPos: ModelPanel['gridPos']): { left: number; top: number; width: number; height: number } {
  const column = PAGE_WIDTH / DASHBOARD_GRID_COLUMNS;
  return { left: gridPos.x * column, top: HEADER_HEIGHT + gridPos.y * ROW_HEIGHT, width: gridPos.w * column, height: gridPos.h * ROW_HEIGHT };
}

/** Height of the page of a model: the header, the grid down to its lowest panel, a margin. */
export function dashboardPreviewHeight(model: object): number {
  const panels = (model as Model).panels ?? [];
  const rows = Math.max(0, ...panels.map((p) => p.gridPos.y + p.gridPos.h));
  return HEADER_HEIGHT + rows * ROW_HEIGHT + FOOTER_HEIGHT;
}

// Estimated text widths (DejaVu Sans is about 0.6 em a character; a little more, to be safe).
const LEGEND_FONT = 12;
const TICK_FONT = 11;
const textWidth = (text: string, size: number) => text.length * size * 0.62;
const LEGEND_ROW = 18;
const LEGEND_SWATCH = 14;
const LEGEND_GAP = 18;
const TITLE_HEIGHT = 30;

/** The SVG of a panel's chart and legend, `width` × `height` pixels. */
function panelSvg(panel: ModelPanel, width: number, height: number): string {
  const unit = panel.fieldConfig?.defaults?.unit;
  const series = panelSeries(panel);
  const threshold = panelThreshold(panel);

  // The legend, laid out in rows from the bottom edge up.
  const pad = 10;
  const items: Array<{ x: number; row: number; s: Series; color: string }> = [];
  let x = pad;
  let row = 0;
  series.forEach((s, k) => {
    const w = LEGEND_SWATCH + 6 + textWidth(s.legend, LEGEND_FONT);
    if (x > pad && x + w > width - pad) { row++; x = pad; }
    items.push({ x, row, s, color: PALETTE[k % PALETTE.length] });
    x += w + LEGEND_GAP;
  });
  const legendHeight = series.length === 0 ? 0 : (row + 1) * LEGEND_ROW + 4;

  // The plot area.
  const dataMax = Math.max(0, ...series.flatMap((s) => s.values));
  const axis = yAxis(unit, Math.max(dataMax, threshold ?? 0) * 1.1, panel.fieldConfig?.defaults?.decimals === 0);
  const labels = axis.ticks.map((v) => formatValue(unit, v));
  const left = pad + Math.max(...labels.map((l) => textWidth(l, TICK_FONT))) + 8;
  const right = width - pad - 6;
  const top = 8;
  const bottom = height - legendHeight - 22;
  const px = (p: number) => left + ((right - left) * p) / (POINTS - 1);
  const py = (v: number) => bottom - ((bottom - top) * v) / axis.max;
  const r = (n: number) => num(n, 1);

  const parts: string[] = [];
  parts.push(`<svg class="chart" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}">`);
  // Y grid and tick labels.
  axis.ticks.forEach((v, n) => {
    const y = py(v);
    parts.push(`<line x1="${r(left)}" y1="${r(y)}" x2="${r(right)}" y2="${r(y)}" stroke="${GRID}"/>`);
    parts.push(`<text class="ytick" x="${r(left - 8)}" y="${r(y + 4)}" text-anchor="end" font-size="${TICK_FONT}" fill="${TEXT_WEAK}">${escapeHtml(labels[n])}</text>`);
  });
  // X grid and tick labels: one an hour.
  HOURS.forEach((label, n) => {
    const xx = px((n * (POINTS - 1)) / (HOURS.length - 1));
    parts.push(`<line x1="${r(xx)}" y1="${r(top)}" x2="${r(xx)}" y2="${r(bottom)}" stroke="${GRID}"/>`);
    const anchor = n === 0 ? 'start' : n === HOURS.length - 1 ? 'end' : 'middle';
    parts.push(`<text class="xtick" x="${r(xx)}" y="${r(bottom + 15)}" text-anchor="${anchor}" font-size="${TICK_FONT}" fill="${TEXT_WEAK}">${escapeHtml(label)}</text>`);
  });
  // Axes.
  parts.push(`<path d="M${r(left)} ${r(top)}V${r(bottom)}H${r(right)}" fill="none" stroke="${AXIS}"/>`);
  // The lines, first series on top last (Grafana draws in order).
  items.forEach(({ s, color }) => {
    const points = s.values.map((v, p) => `${r(px(p))},${r(py(v))}`).join(' ');
    parts.push(`<polyline class="series" data-ref="${escapeHtml(s.refId)}" points="${points}" fill="none" stroke="${color}" stroke-width="1.5" stroke-linejoin="round"/>`);
  });
  // The alert threshold.
  if (threshold !== undefined) {
    const y = py(threshold);
    parts.push(`<line class="threshold" data-value="${threshold}" x1="${r(left)}" y1="${r(y)}" x2="${r(right)}" y2="${r(y)}" stroke="${THRESHOLD_RED}" stroke-width="1.5" stroke-dasharray="7 5"/>`);
  }
  // The legend.
  const legendTop = height - legendHeight + 2;
  items.forEach(({ x: lx, row: lr, s, color }) => {
    const y = legendTop + lr * LEGEND_ROW + LEGEND_ROW / 2;
    parts.push(`<g class="legend-item" data-ref="${escapeHtml(s.refId)}">`
      + `<rect x="${r(lx)}" y="${r(y - 2)}" width="${LEGEND_SWATCH}" height="4" rx="1" fill="${color}"/>`
      + `<text class="legend" x="${r(lx + LEGEND_SWATCH + 6)}" y="${r(y + 4)}" font-size="${LEGEND_FONT}" fill="${TEXT}">${escapeHtml(s.legend)}</text></g>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** One panel: its card at its gridPos, with its title and chart. */
function panelHtml(panel: ModelPanel): string {
  const box = panelBox(panel.gridPos);
  const g = panel.gridPos;
  const cardWidth = box.width - 2 * CARD_INSET - 2;
  const cardHeight = box.height - 2 * CARD_INSET - 2;
  const title = panel.title ?? '';
  const r = (n: number) => num(n, 2);
  return `<section class="panel" data-panel-id="${escapeHtml(String(panel.id ?? ''))}" data-grid="${g.x},${g.y},${g.w},${g.h}"`
    + ` style="left:${r(box.left)}px;top:${r(box.top)}px;width:${r(box.width)}px;height:${r(box.height)}px"`
    + ` title="${escapeHtml(panel.description ?? '')}">\n`
    + `<div class="card">\n<h2 class="title">${escapeHtml(title)}</h2>\n`
    + `${panelSvg(panel, cardWidth, cardHeight - TITLE_HEIGHT)}\n</div>\n</section>`;
}

/**
 * A self-contained HTML page (inline CSS and SVG, no script, nothing fetched) picturing a Grafana
 * dashboard model: its panels at their gridPos, axes in their units, thresholds as dashed red lines, and
 * illustrative lines. Pure: the same model gives the same page.
 * @param model a Grafana dashboard JSON model, e.g. `grafanaDashboardModel(...)`
 */
export function dashboardPreviewHtml(model: object): string {
  const m = model as Model;
  const height = dashboardPreviewHeight(model);
  const title = m.title ?? 'Dashboard';
  const css = [
    '*{box-sizing:border-box;margin:0;padding:0}',
    `html,body{width:${PAGE_WIDTH}px;height:${height}px;overflow:hidden;background:${PAGE_BG};color:${TEXT};font-family:${FONT}}`,
    `header{position:absolute;left:0;top:0;width:${PAGE_WIDTH}px;height:${HEADER_HEIGHT}px;padding:12px 16px 0 16px}`,
    'header h1{font-size:20px;font-weight:500;line-height:26px}',
    `header .range{position:absolute;right:16px;top:15px;font-size:13px;color:${TEXT_WEAK};border:1px solid ${PANEL_BORDER};border-radius:2px;padding:3px 8px}`,
    `header p.disclaimer{font-size:13px;line-height:20px;margin-top:6px;color:${TEXT_WEAK}}`,
    `.panel{position:absolute;padding:${CARD_INSET}px}`,
    `.card{width:100%;height:100%;background:${PANEL_BG};border:1px solid ${PANEL_BORDER};border-radius:2px;overflow:hidden}`,
    `.title{height:${TITLE_HEIGHT}px;line-height:${TITLE_HEIGHT}px;padding:0 10px;font-size:14px;font-weight:500;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}`,
    `.chart{display:block;font-family:${FONT}}`,
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${css}\n</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(title)}</h1><span class="range">Last 6 hours (illustrative)</span>`,
    `<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p></header>`,
    ...(m.panels ?? []).map(panelHtml),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The project's root: the nearest folder up with a package.json (works from scripts/ and build/run-ts/). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** Builds the default dashboard, writes its page and screenshots it to docs/dashboard.png (or argv's path). */
function main(): void {
  const started = process.hrtime.bigint();
  const root = projectRoot();
  const out = path.resolve(process.argv[3] ?? path.join(root, 'docs', 'dashboard.png'));
  // As lib/k8s/monitoring.ts's GrafanaDashboard builds it, for namespace cockroachdb and cluster crdb.
  const selector = 'namespace="cockroachdb", service="crdb"';
  const model = grafanaDashboardModel('cockroachdb-cockroachdb-crdb', 'CockroachDB cockroachdb/crdb', cockroachDashboardPanels(selector, DEFAULT_ALERT_THRESHOLDS));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-preview-'));
  try {
    const html = path.join(tmp, 'dashboard.html');
    fs.writeFileSync(html, dashboardPreviewHtml(model));
    const chromium = process.env.CHROMIUM ?? 'chromium';
    const height = dashboardPreviewHeight(model);
    // Screenshot into the temp folder, copied over the output once chromium has succeeded.
    const shot = path.join(tmp, 'dashboard.png');
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1',
      // A fresh profile each run: nothing of an earlier run (or of another chromium) changes the picture.
      `--user-data-dir=${path.join(tmp, 'profile')}`,
      '--font-render-hinting=none',
      `--window-size=${PAGE_WIDTH},${height}`, `--screenshot=${shot}`, `file://${html}`,
    ];
    const run = spawnSync(chromium, args, { encoding: 'utf8', timeout: 120_000 });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`dashboard-preview: ${chromium} not found. Install Debian's chromium:\n  apt-get install -y --no-install-recommends chromium\n(or set CHROMIUM to a Chromium or Chrome binary).`);
      process.exitCode = 2;
      return;
    }
    if (run.error || run.status !== 0 || !fs.existsSync(shot)) {
      console.error(`dashboard-preview: ${chromium} failed (status ${run.status}${run.error ? `, ${run.error.message}` : ''}):\n${run.stderr}`);
      process.exitCode = 1;
      return;
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(shot, out);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const shown = out.startsWith(root + path.sep) ? path.relative(root, out) : out;
    console.log(`${shown}: ${PAGE_WIDTH}x${height} px, ${fs.statSync(out).size} bytes, ${seconds.toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Run as a script: directly, or bundled by scripts/run-ts.js (where require.main is run-ts.js).
const entry = process.argv[2];
if (require.main === module || (entry !== undefined && path.basename(entry) === 'dashboard-preview.ts')) main();
