import { describe, expect, it } from 'vitest';
import { highlightCode, parseHighlightHtml, resolveLanguage, type HighlightNode } from './highlight';

function text(nodes: HighlightNode[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : text(n.children))).join('');
}

describe('highlight', () => {
  it('resolves aliases and rejects unknown languages', () => {
    expect(resolveLanguage('ps1')).toBe('powershell');
    expect(resolveLanguage('YML')).toBe('yaml');
    expect(resolveLanguage('cobol')).toBeNull();
    expect(resolveLanguage('')).toBeNull();
  });

  it('keeps the exact source text, markup characters included', () => {
    const code = 'Get-Service | Where-Object { $_.Status -eq "Stopped" } # <script>alert(1)</script> & co';
    const nodes = highlightCode(code, 'powershell');
    expect(nodes).not.toBeNull();
    expect(text(nodes ?? [])).toBe(code);
    expect(JSON.stringify(nodes)).toContain('hljs-');
  });

  it('parses spans and entities, dropping foreign classes', () => {
    const nodes = parseHighlightHtml('<span class="hljs-string evil">&quot;a&lt;b&quot;</span> &amp;');
    expect(nodes).toEqual([{ className: 'hljs-string', children: ['"a<b"'] }, ' &']);
  });

  it('highlights sql, csharp, json, yaml, xml, bash, python', () => {
    for (const [lang, code] of [
      ['sql', 'SELECT * FROM users WHERE id = 1;'],
      ['csharp', 'public class A { }'],
      ['json', '{"a": 1}'],
      ['yaml', 'a: 1'],
      ['xml', '<a href="x">y</a>'],
      ['bash', 'echo "$HOME"'],
      ['python', 'def f(): return 1'],
    ] as const) {
      const nodes = highlightCode(code, lang);
      expect(text(nodes ?? [])).toBe(code);
    }
  });
});
