// Draws the weekly outcomes as stacked bars with Chart.js on a canvas. Imported only by the chart's component
// on first render (its own chunk), so Chart.js is never part of the first screen. Only the pieces a bar chart
// needs are registered, which keeps the chunk small; animation is off so the chart is still for screenshots
// and for people who prefer reduced motion.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { WeeklyChangeMetrics } from '../../../src/client/api-client.ts';
import { OUTCOMES } from './outcomes.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Draws the chart on the canvas; returns the function that removes it again. */
export function drawWeekly(canvas: HTMLCanvasElement, data: WeeklyChangeMetrics): () => void {
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.weeks.map((w) => w.week),
      datasets: OUTCOMES.map((o) => ({
        label: o.label,
        data: data.weeks.map((w) => w[o.key]),
        backgroundColor: o.colour,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Week starting (Monday, UTC)' } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  return () => chart.destroy();
}
