// Files dragged over the page: only the chat's drop zone accepts them. Anywhere else (or while an
// answer streams) the browser would open the file in place of the application and lose the stream.

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

function guard(event: DragEvent): void {
  // A drop zone that accepts the file has already called preventDefault (and chosen its effect).
  if (!carriesFiles(event) || event.defaultPrevented) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
}

/** Installs the window-level guard; returns its removal. */
export function installFileDropGuard(target: Window = window): () => void {
  target.addEventListener('dragover', guard);
  target.addEventListener('drop', guard);
  return () => {
    target.removeEventListener('dragover', guard);
    target.removeEventListener('drop', guard);
  };
}
