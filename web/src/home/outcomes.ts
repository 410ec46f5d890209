// The outcomes a week's changes are counted by, in the order the chart stacks them and the table lists them.
// Colours are told apart by the legend's labels and the table too, never by colour alone.
import type { WeeklyChangeMetrics } from '../../../src/client/api-client.ts';

type Outcome = Exclude<keyof WeeklyChangeMetrics['weeks'][number], 'week'>;

export const OUTCOMES: { key: Outcome; label: string; colour: string }[] = [
  { key: 'successful', label: 'Successful', colour: '#1a7f37' },
  { key: 'failed', label: 'Failed', colour: '#a1121b' },
  { key: 'rolledBack', label: 'Rolled back', colour: '#bc4c00' },
  { key: 'cancelled', label: 'Cancelled', colour: '#6e7781' },
  { key: 'open', label: 'Open', colour: '#0a4fa8' },
];
