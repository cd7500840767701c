// Client-side check of attachments, mirroring the server's rules (it answers 413/415 otherwise).

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const TEXT_EXTENSIONS = ['txt', 'log', 'md', 'markdown', 'csv', 'json', 'xml', 'yaml', 'yml'];
const CODE_EXTENSIONS = [
  'cs', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'py', 'java', 'kt', 'go', 'rs', 'rb', 'php', 'c', 'h', 'cpp', 'hpp',
  'sh', 'bash', 'ps1', 'psm1', 'bat', 'cmd', 'sql', 'html', 'htm', 'css', 'scss', 'ini', 'conf', 'cfg', 'toml',
  'properties', 'env', 'vb', 'vbs', 'swift', 'pl', 'lua', 'r', 'dockerfile', 'tf',
];
const DOCUMENT_EXTENSIONS = ['pdf', 'docx'];

export const ACCEPTED_EXTENSIONS = [...TEXT_EXTENSIONS, ...CODE_EXTENSIONS, ...DOCUMENT_EXTENSIONS];
export const ACCEPT_ATTRIBUTE = ACCEPTED_EXTENSIONS.map((ext) => `.${ext}`).join(',');

/** Returns a French error message, or null when the file can be sent. */
export function checkAttachment(file: File): string | null {
  const dot = file.name.lastIndexOf('.');
  const ext = dot === -1 ? file.name.toLowerCase() : file.name.slice(dot + 1).toLowerCase();
  if (!ACCEPTED_EXTENSIONS.includes(ext)) {
    return `Type de fichier refusé : « ${file.name} ». Formats acceptés : texte, log, Markdown, CSV, JSON, XML, YAML, code source, PDF et DOCX.`;
  }
  if (file.size > MAX_ATTACHMENT_BYTES) {
    return `Fichier trop volumineux : « ${file.name} » dépasse 10 Mo.`;
  }
  if (file.size === 0) return `Le fichier « ${file.name} » est vide.`;
  return null;
}
