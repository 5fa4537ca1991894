// charts.js - the dashboard's charts with Chart.js (window.Chart, loaded by
// the page shell from /assets/.../vendor/chart.umd.min.js). Every chart is a
// <figure> with a caption, a canvas with role="img" and a summary in
// aria-label, and the same figures as a table anyone can open: a chart is
// never the only way to read them. Charts are destroyed when the page goes.

import { h, table, uid } from './dom.js';
import { money } from './format.js';

export const COLORS = {
  bloodProducts: '#a4161a',
  bloodServices: '#1d4e89',
  ongoing: '#1d4e89',
  closed: '#8a8f98',
  grid: '#e3e5e8',
  text: '#2b2f36',
};

const compact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

/* Dollars from a money string, for drawing only (figures shown as text
 * come from format.money, exact). */
export function dollars(value) {
  return value === null || value === undefined ? null : Number(value);
}

/* Writes each bar's value above it (below it when negative), so that a
 * small or zero bar still says what it is. */
const valueLabels = {
  id: 'bloodopsValueLabels',
  afterDatasetsDraw(chart, _args, options) {
    if (!options || !options.enabled) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'center';
    chart.data.datasets.forEach((dataset, index) => {
      const meta = chart.getDatasetMeta(index);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const value = dataset.data[i];
        if (value === null || value === undefined) return;
        ctx.textBaseline = value < 0 ? 'top' : 'bottom';
        ctx.fillText(compact.format(value), bar.x, value < 0 ? bar.y + 4 : bar.y - 4);
      });
    });
    ctx.restore();
  },
};

function baseOptions({ stacked = false, legend = true, labels = false }) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    layout: { padding: { top: labels ? 18 : 0 } },
    plugins: {
      bloodopsValueLabels: { enabled: labels },
      legend: { display: legend, position: 'bottom', labels: { color: COLORS.text, boxWidth: 14 } },
      tooltip: {
        callbacks: {
          label: (item) => `${item.dataset.label}: ${money(Math.round(item.raw * 100))}`,
        },
      },
    },
    scales: {
      x: { stacked, grid: { display: false }, ticks: { color: COLORS.text } },
      y: {
        stacked,
        grid: { color: COLORS.grid },
        ticks: { color: COLORS.text, callback: (value) => compact.format(value) },
      },
    },
  };
}

/*
 * figure({title, summary, columns, rows}) -> {element, canvas}: the frame of
 * a chart with its text alternatives (columns/rows as for dom.table).
 */
export function figure({ title, summary, columns, rows, className = '' }) {
  const captionId = uid('chart-caption');
  const canvas = h('canvas', { role: 'img', 'aria-label': summary, 'aria-describedby': captionId });
  canvas.textContent = summary; // fallback content for browsers without canvas
  const element = h('figure', { class: `chart ${className}`.trim() },
    h('figcaption', { id: captionId, class: 'chart-title' }, title),
    h('div', { class: 'chart-box' }, canvas),
    h('details', { class: 'chart-data' },
      h('summary', null, 'Show the figures as a table'),
      table({ caption: title, columns, rows, captionHidden: true })));
  return { element, canvas };
}

/* Draws a bar chart on a canvas already in the page; returns the Chart or
 * null (with a note in the figure) when Chart.js did not load. */
export function draw(canvas, { labels, datasets, stacked = false, legend = true, valueLabels: withValues = false }, onCleanup) {
  if (!window.Chart) {
    canvas.closest('figure').append(h('p', { class: 'message message-info' },
      'The chart cannot be drawn in this browser; the figures are in the table.'));
    return null;
  }
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((d) => ({
        label: d.label,
        data: d.data,
        backgroundColor: d.color,
        borderColor: d.borderColor || d.color,
        borderWidth: d.borderWidth || 0,
        skipNull: true,
        maxBarThickness: 56,
      })),
    },
    options: baseOptions({ stacked, legend, labels: withValues }),
    plugins: [valueLabels],
  });
  if (onCleanup) onCleanup(() => chart.destroy());
  return chart;
}
