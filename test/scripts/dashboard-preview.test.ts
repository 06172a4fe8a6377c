import { grafanaDashboardModel } from '../../lib/k8s/grafana-dashboard';
import { DEFAULT_ALERT_THRESHOLDS } from '../../lib/shared/alerts';
import { cockroachDashboardPanels } from '../../lib/shared/dashboard';
import { dashboardPreviewHeight, dashboardPreviewHtml, HEADER_HEIGHT, PAGE_WIDTH, PREVIEW_INSTANCES, ROW_HEIGHT } from '../../scripts/dashboard-preview';

/** The model the script pictures: the default dashboard of namespace cockroachdb, cluster crdb. */
const model = grafanaDashboardModel('cockroachdb-cockroachdb-crdb', 'CockroachDB cockroachdb/crdb',
  cockroachDashboardPanels('namespace="cockroachdb", service="crdb"', DEFAULT_ALERT_THRESHOLDS)) as any;
const html = dashboardPreviewHtml(model);

/** The `<section class="panel">` elements of a page, in order. */
const sections = (page: string): string[] => page.match(/<section class="panel"[\s\S]*?<\/section>/g) ?? [];
/** The value of an attribute of the first element (or `undefined`). */
const attr = (text: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(text)?.[1];
/** The texts of the elements of a class. */
const texts = (text: string, cls: string) => [...text.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1]);
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const redStep = (panel: any): number | undefined => panel.fieldConfig.defaults.thresholds?.steps.find((s: any) => s.color === 'red')?.value;

test('one panel box per panel of the model, in order, each for its panel', () => {
  expect(model.panels.length).toBeGreaterThan(0);
  const boxes = sections(html);
  expect(boxes).toHaveLength(model.panels.length);
  boxes.forEach((box, i) => expect(attr(box, 'data-panel-id')).toBe(String(model.panels[i].id)));
});

test('each panel box sits at its gridPos: 24 columns over the page width, 30 px a row, below the header', () => {
  const column = PAGE_WIDTH / 24;
  expect(ROW_HEIGHT).toBe(30);
  sections(html).forEach((box, i) => {
    const { x, y, w, h } = model.panels[i].gridPos;
    expect(attr(box, 'data-grid')).toBe(`${x},${y},${w},${h}`);
    const style = Object.fromEntries((attr(box, 'style') ?? '').split(';').map((d) => d.split(':')).map(([k, v]) => [k, parseFloat(v)]));
    expect(style.left).toBeCloseTo(x * column, 2);
    expect(style.top).toBeCloseTo(HEADER_HEIGHT + y * 30, 2);
    expect(style.width).toBeCloseTo(w * column, 2);
    expect(style.height).toBeCloseTo(h * 30, 2);
  });
});

test('a panel placed anywhere on the grid is drawn there (the layout follows the model, not a fixed list)', () => {
  const page = dashboardPreviewHtml({ title: 't', panels: [{ id: 7, title: 'p', gridPos: { x: 6, y: 3, w: 9, h: 5 }, fieldConfig: { defaults: { unit: 'short' } }, targets: [] }] });
  const [box] = sections(page);
  expect(attr(box, 'style')).toBe(`left:${PAGE_WIDTH / 4}px;top:${HEADER_HEIGHT + 90}px;width:${(PAGE_WIDTH / 24) * 9}px;height:150px`);
  // The page is as tall as its lowest panel, plus a margin.
  expect(dashboardPreviewHeight({ panels: [{ gridPos: { x: 0, y: 3, w: 9, h: 5 } }] })).toBeGreaterThanOrEqual(HEADER_HEIGHT + 8 * 30);
  expect(dashboardPreviewHeight(model)).toBeGreaterThanOrEqual(HEADER_HEIGHT + Math.max(...model.panels.map((p: any) => p.gridPos.y + p.gridPos.h)) * 30);
  expect(page).toContain(`height:${dashboardPreviewHeight({ panels: [{ gridPos: { x: 6, y: 3, w: 9, h: 5 } }] })}px`);
});

test('each panel shows its title, escaped', () => {
  sections(html).forEach((box, i) => expect(texts(box, 'title')).toEqual([escaped(model.panels[i].title)]));
  const page = dashboardPreviewHtml({
    title: 'Mine & <yours>',
    panels: [{ id: 1, title: 'Reads <b>"fast"</b> & \'slow\'', description: 'a "quoted" <i>hint</i>', gridPos: { x: 0, y: 0, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: 'ops' } }, targets: [{ refId: 'A', expr: 'x', legendFormat: '<script>{{instance}}' }] }],
  });
  expect(texts(page, 'title')).toEqual(['Reads &lt;b&gt;&quot;fast&quot;&lt;/b&gt; &amp; &#39;slow&#39;']);
  expect(page).toContain('<h1>Mine &amp; &lt;yours&gt;</h1>');
  expect(page).toContain('title="a &quot;quoted&quot; &lt;i&gt;hint&lt;/i&gt;"');
  expect(texts(page, 'legend')[0]).toBe('&lt;script&gt;10.8.0.11:8080');
  expect(page).not.toMatch(/<(b|i|script)>/);
});

test('a dashed red threshold line exactly in the panels that have a threshold, at its value', () => {
  const withThreshold = model.panels.filter((p: any) => redStep(p) !== undefined).map((p: any) => p.title);
  expect(withThreshold).toEqual(['CPU', 'Disk used vs capacity', 'SQL latency p99', 'Certificates: time to expiry']);
  sections(html).forEach((box, i) => {
    const threshold = redStep(model.panels[i]);
    const lines: string[] = box.match(/<line class="threshold"[^>]*>/g) ?? [];
    expect(lines).toHaveLength(threshold === undefined ? 0 : 1);
    if (threshold !== undefined) {
      expect(Number(attr(lines[0], 'data-value'))).toBe(threshold);
      expect(attr(lines[0], 'stroke-dasharray')).toBeDefined();
      expect(attr(lines[0], 'stroke')).toBe('#F2495C');
    }
  });
});

test('the illustrative lines stay on the healthy side of the threshold (below; above for a time left)', () => {
  sections(html).forEach((box, i) => {
    if (redStep(model.panels[i]) === undefined) return;
    const thresholdY = Number(attr(box.match(/<line class="threshold"[^>]*>/)![0], 'y1'));
    const ys = [...box.matchAll(/points="([^"]*)"/g)].flatMap((m) => m[1].split(' ').map((p) => Number(p.split(',')[1])));
    expect(ys.length).toBeGreaterThan(0);
    // SVG's y grows downwards: a value below the threshold is drawn lower, with a larger y.
    const timeLeft = model.panels[i].targets.every((t: any) => /- time\(\)$/.test(t.expr));
    for (const y of ys) expect(timeLeft ? y < thresholdY : y > thresholdY).toBe(true);
  });
});

test('a legend entry and a line per target, and per instance (three pod addresses) when the legend has {{instance}}', () => {
  sections(html).forEach((box, i) => {
    const expected = model.panels[i].targets.flatMap((t: any) => (t.legendFormat.includes('{{instance}}')
      ? [0, 1, 2].map((n) => ({ ref: t.refId, text: t.legendFormat.replace('{{instance}}', PREVIEW_INSTANCES[n]).replace('{{store}}', '1') }))
      : [{ ref: t.refId, text: t.legendFormat }]));
    const items = box.match(/<g class="legend-item"[\s\S]*?<\/g>/g) ?? [];
    expect(items.map((g) => ({ ref: attr(g, 'data-ref'), text: texts(g, 'legend')[0] }))).toEqual(expected.map((e: any) => ({ ref: e.ref, text: escaped(e.text) })));
    expect((box.match(/<polyline class="series"/g) ?? []).length).toBe(expected.length);
    for (const t of model.panels[i].targets) expect(items.some((g) => attr(g, 'data-ref') === t.refId)).toBe(true);
  });
  expect(html).not.toContain('{{');
});

test('the y axes are labelled in the panels\' units', () => {
  const ticks = (title: string) => texts(sections(html)[model.panels.findIndex((p: any) => p.title === title)], 'ytick');
  expect(ticks('CPU')).toEqual(expect.arrayContaining(['0%', '80%']));
  expect(ticks('Memory: process vs container limit').slice(1).every((t) => t.endsWith(' GiB'))).toBe(true);
  expect(ticks('Disk latency').slice(1).every((t) => / (µs|ms)$/.test(t))).toBe(true);
  expect(ticks('Disk latency')).toContain('1 ms');
  expect(ticks('SQL latency p99')).toContain('400 ms');
  expect(ticks('SQL queries per second').every((t) => t.endsWith('ops/s'))).toBe(true);
  expect(ticks('Live nodes')).toEqual(['0', '1', '2', '3', '4']);
  expect(ticks('Age of the last backup')).toEqual(expect.arrayContaining(['30 min', '1 hour']));
  expect(ticks('Certificates: time to expiry').slice(1).every((t) => t.endsWith(' week'))).toBe(true);
});

test('the page says plainly that the lines are illustrative', () => {
  expect(texts(html, 'disclaimer')).toEqual(['Panel layout of the dashboard the library renders; the lines are illustrative, not measurements.']);
});

test('the page is self-contained: no URL, no script, nothing to fetch', () => {
  expect(html).not.toMatch(/http/i);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=/i);
  expect(html).toMatch(/^<!DOCTYPE html>/);
});

test('the page is the same on every call (no clock, no Math.random)', () => {
  const random = jest.spyOn(Math, 'random');
  const now = jest.spyOn(Date, 'now');
  try {
    expect(dashboardPreviewHtml(model)).toBe(html);
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  } finally {
    random.mockRestore();
    now.mockRestore();
  }
});
