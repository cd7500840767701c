// Dragging files over an element: the "drop here" state, and the dropped files handed on.
import { useRef, useState, type DragEvent } from 'react';

const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

/**
 * `disabled` refuses new drags (no drop zone shown); a drop still reaches `onDrop`, which decides
 * what to say. Events that carry no files are left alone.
 */
export function useFileDrop({ disabled, onDrop }: { disabled: boolean; onDrop: (files: FileList) => void }) {
  const [dragging, setDragging] = useState(false);
  const depthRef = useRef(0);

  const handlers = {
    onDragEnter: (event: DragEvent<HTMLElement>) => {
      if (!hasFiles(event) || disabled) return;
      event.preventDefault();
      depthRef.current += 1;
      setDragging(true);
    },
    onDragOver: (event: DragEvent<HTMLElement>) => {
      if (!hasFiles(event) || disabled) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (event: DragEvent<HTMLElement>) => {
      if (!hasFiles(event)) return;
      depthRef.current = Math.max(0, depthRef.current - 1);
      if (depthRef.current === 0) setDragging(false);
    },
    onDrop: (event: DragEvent<HTMLElement>) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depthRef.current = 0;
      setDragging(false);
      onDrop(event.dataTransfer.files);
    },
  };

  return { dragging, handlers };
}
