// Chart.js, bundled (only the parts used), with a colour-blind-safe palette. Colour is never the only cue: each
// series also has its own line dash and point shape, and every chart has a data table beside it.
import { Chart, LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
Chart.defaults.color = '#1f2937'; // 14.7:1 on white
Chart.defaults.animation = false; // figures appear at once, print as they are, and tests see a settled chart

// Okabe-Ito blue and vermillion with Paul Tol's green and wine: distinguishable with the common colour-vision
// deficiencies and each at least 3:1 against white (WCAG 2.2 1.4.11 non-text contrast).
export const palette = {
  subject: { color: '#0072B2', dash: [], point: 'circle' },
  national: { color: '#D55E00', dash: [6, 4], point: 'triangle' },
  regional: { color: '#117733', dash: [2, 3], point: 'rect' },
  'statistical-neighbour': { color: '#882255', dash: [10, 3, 2, 3], point: 'rectRot' },
};

const instances = new Set();

export function destroyCharts() {
  for (const c of instances) c.destroy();
  instances.clear();
}

export const chartCount = () => instances.size;

function make(canvas, config) {
  const chart = new Chart(canvas, config);
  instances.add(chart);
  return chart;
}

/** A trend line per series: series = [{ label, kind, values: [number|null] }] over labels. */
export function trendChart(canvas, labels, series, unitText) {
  return make(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map(s => {
        const style = palette[s.kind] || palette.subject;
        return {
          label: s.label, data: s.values, borderColor: style.color, backgroundColor: style.color,
          borderDash: style.dash, pointStyle: style.point, pointRadius: 4, borderWidth: 2, spanGaps: false,
        };
      }),
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 10 } } },
      scales: { y: { beginAtZero: true, title: { display: Boolean(unitText), text: unitText } } },
    },
  });
}

/** One bar per category (a stratifier's strata, or LAs side by side). */
export function barChart(canvas, labels, values, label) {
  return make(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: palette.subject.color, borderColor: '#003f63', borderWidth: 1 }] },
    options: {
      responsive: true, maintainAspectRatio: false, indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true } },
    },
  });
}

/** Destroys one chart if it is still live (a full re-render may already have destroyed it). */
export function destroyChart(chart) {
  if (!instances.has(chart)) return;
  instances.delete(chart);
  chart.destroy();
}
