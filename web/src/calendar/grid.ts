// What the month, week and agenda layouts share: their inputs, the drop handlers of a target, and day names.
import type { DragEvent } from 'react';
import type { CalChange, Occurrence } from './items.tsx';
import type { Drop } from './move.ts';

export interface GridProps {
  date: string;
  changes: CalChange[];
  occurrences: Occurrence[];
  movable: (c: CalChange) => boolean;
  /** Whether a drag is under way, for the page's look (set just after it starts). */
  dragging: CalChange | null;
  /** The change being dragged, known from the moment the drag starts. */
  dragged: () => CalChange | null;
  onDragStart: (c: CalChange) => void;
  onDragEnd: () => void;
  onDrop: (drop: Drop) => void;
  onReschedule: (c: CalChange) => void;
}

export const dayName = (day: string, style: 'long' | 'short' = 'long') =>
  new Date(`${day}T12:00:00`).toLocaleDateString(undefined, {
    weekday: style,
    day: 'numeric',
    month: style,
  });

/** Drag-over and drop handlers for a target: they accept only a change dragged from this calendar. */
export function dropTarget(p: GridProps, drop: Drop) {
  return {
    onDragOver: (e: DragEvent) => {
      if (!p.dragged()) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
    },
    onDrop: (e: DragEvent) => {
      if (!p.dragged()) return;
      e.preventDefault();
      p.onDrop(drop);
    },
  };
}
