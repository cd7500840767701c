// Syntax highlighting of fenced code blocks with highlight.js (core + a few languages).
// highlight.js returns HTML; it is never injected: its output (escaped text inside <span class>)
// is parsed here into a small tree that React renders as text and spans only.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import csharp from 'highlight.js/lib/languages/csharp';
import json from 'highlight.js/lib/languages/json';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('csharp', csharp);
hljs.registerLanguage('json', json);
hljs.registerLanguage('powershell', powershell);
hljs.registerLanguage('python', python);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('yaml', yaml);

export type HighlightNode = string | { className: string; children: HighlightNode[] };

const ALIASES: Record<string, string> = {
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  ps: 'powershell',
  ps1: 'powershell',
  pwsh: 'powershell',
  py: 'python',
  cs: 'csharp',
  'c#': 'csharp',
  yml: 'yaml',
  html: 'xml',
  xaml: 'xml',
  svg: 'xml',
  jsonc: 'json',
};

/** The registered language for a fence's info string, or null. */
export function resolveLanguage(lang: string): string | null {
  const key = lang.trim().toLowerCase().split(/\s+/)[0] ?? '';
  const name = ALIASES[key] ?? key;
  return name && hljs.getLanguage(name) ? name : null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

/** Parses highlight.js output (spans with classes and escaped text) into a tree. */
export function parseHighlightHtml(html: string): HighlightNode[] {
  const root: HighlightNode[] = [];
  const stack: HighlightNode[][] = [root];
  const pattern = /<span class="([^"<>]*)">|<\/span>|[^<]+|</g;
  for (const match of html.matchAll(pattern)) {
    const token = match[0];
    const current = stack[stack.length - 1] ?? root;
    if (match[1] !== undefined) {
      // Only highlight.js' own classes are kept.
      const className = match[1]
        .split(/\s+/)
        .filter((c) => /^hljs-[\w-]+$/.test(c) || /^[\w-]+_$/.test(c))
        .join(' ');
      const node = { className, children: [] as HighlightNode[] };
      current.push(node);
      stack.push(node.children);
    } else if (token === '</span>') {
      if (stack.length > 1) stack.pop();
    } else {
      current.push(decode(token));
    }
  }
  return root;
}

/** Highlighted tree of the code, or null when the language is unknown (plain text then). */
export function highlightCode(code: string, lang: string): HighlightNode[] | null {
  const language = resolveLanguage(lang);
  if (!language) return null;
  try {
    return parseHighlightHtml(hljs.highlight(code, { language, ignoreIllegals: true }).value);
  } catch {
    return null;
  }
}
