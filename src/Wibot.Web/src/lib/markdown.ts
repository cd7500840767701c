// A small Markdown parser producing a tree that React renders as elements: raw HTML is never
// interpreted (it stays text), and links are kept only for http(s) and mailto URLs.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] }
  | { kind: 'br' };

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'table'; align: ('left' | 'center' | 'right' | null)[]; header: Inline[][]; rows: Inline[][][] }
  | { kind: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)?.*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      current += '|';
      i++;
    } else if (row[i] === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += row[i];
    }
  }
  cells.push(current.trim());
  return cells;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  let paragraph: string[] = [];

  const flushParagraph = () => {
    if (paragraph.length) {
      blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join('\n')) });
      paragraph = [];
    }
  };

  while (i < lines.length) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flushParagraph();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker)) {
        body.push(lines[i] ?? '');
        i++;
      }
      i++; // closing fence (or end of text while streaming)
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flushParagraph();
      i++;
      continue;
    }
    if (RULE.test(line)) {
      flushParagraph();
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    const next = lines[i + 1] ?? '';
    if (line.includes('|') && TABLE_SEPARATOR.test(next) && next.includes('-') && (line.trim().startsWith('|') || next.includes('|'))) {
      flushParagraph();
      const header = splitRow(line);
      const align = splitRow(next).map((cell) => {
        const left = cell.startsWith(':');
        const right = cell.endsWith(':');
        return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
      });
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== '') {
        const cells = splitRow(lines[i] ?? '');
        rows.push(header.map((_, c) => parseInline(cells[c] ?? '')));
        i++;
      }
      blocks.push({ kind: 'table', align, header: header.map((h) => parseInline(h)), rows });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushParagraph();
      const level = Math.min(6, (heading[1] ?? '#').length) as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ kind: 'heading', level, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      flushParagraph();
      const inner: string[] = [];
      while (i < lines.length) {
        const m = QUOTE.exec(lines[i] ?? '');
        if (!m) break;
        inner.push(m[1] ?? '');
        i++;
      }
      blocks.push({ kind: 'quote', children: parseMarkdown(inner.join('\n')) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      flushParagraph();
      const isOrdered = !bullet;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[][] = [];
      const start = ordered ? Number(ordered[1]) : 1;
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const m = pattern.exec(current);
        if (m) {
          items.push([(isOrdered ? m[2] : m[1]) ?? '']);
          i++;
          continue;
        }
        // An indented line continues the previous item.
        if (items.length && /^\s{2,}\S/.test(current)) {
          items[items.length - 1]?.push(current.trim());
          i++;
          continue;
        }
        break;
      }
      blocks.push({ kind: 'list', ordered: isOrdered, start, items: items.map((it) => parseInline(it.join('\n'))) });
      continue;
    }
    paragraph.push(line);
    i++;
  }
  flushParagraph();
  return blocks;
}

function safeHref(url: string): string | null {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : null;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const pushText = () => {
    if (buffer) {
      out.push({ kind: 'text', text: buffer });
      buffer = '';
    }
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!>]/.test(text[i + 1] ?? '')) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      pushText();
      out.push({ kind: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      let ticks = 1;
      while (text[i + ticks] === '`') ticks++;
      const marker = '`'.repeat(ticks);
      const close = text.indexOf(marker, i + ticks);
      if (close !== -1) {
        pushText();
        out.push({ kind: 'code', text: text.slice(i + ticks, close).trim() });
        i = close + ticks;
        continue;
      }
      buffer += marker;
      i += ticks;
      continue;
    }
    if ((ch === '*' || ch === '_') && text[i + 1] === ch) {
      const marker = ch + ch;
      const close = text.indexOf(marker, i + 2);
      if (close > i + 2) {
        pushText();
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    } else if (ch === '*' || ch === '_') {
      const prev = text[i - 1] ?? ' ';
      const next = text[i + 1] ?? ' ';
      // Emphasis opens on a non-space and, for underscores, not inside a word (snake_case).
      if (next !== ' ' && !(ch === '_' && /\w/.test(prev))) {
        let close = text.indexOf(ch, i + 1);
        while (close !== -1 && (text[close - 1] === ' ' || (ch === '_' && /\w/.test(text[close + 1] ?? '')))) {
          close = text.indexOf(ch, close + 1);
        }
        if (close > i + 1 && !text.slice(i + 1, close).includes('\n')) {
          pushText();
          out.push({ kind: 'em', children: parseInline(text.slice(i + 1, close)) });
          i = close + 1;
          continue;
        }
      }
    }
    if (ch === '[') {
      const closeBracket = text.indexOf(']', i + 1);
      if (closeBracket !== -1 && text[closeBracket + 1] === '(') {
        const closeParen = text.indexOf(')', closeBracket + 2);
        if (closeParen !== -1) {
          const href = safeHref(text.slice(closeBracket + 2, closeParen));
          const label = parseInline(text.slice(i + 1, closeBracket));
          pushText();
          if (href) out.push({ kind: 'link', href, children: label });
          else out.push(...label);
          i = closeParen + 1;
          continue;
        }
      }
    }
    buffer += ch;
    i++;
  }
  pushText();
  return out;
}
