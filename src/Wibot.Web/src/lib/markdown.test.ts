import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('markdown', () => {
  it('parses paragraphs, lists, headings and fenced code', () => {
    const blocks = parseMarkdown('# Titre\n\nUn **gras** et `code`.\n\n- un\n- deux\n\n1. a\n2. b\n\n```bash\nls -la\n```');
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code']);
    expect(blocks[4]).toEqual({ kind: 'code', lang: 'bash', text: 'ls -la' });
    expect(blocks[2]).toMatchObject({ kind: 'list', ordered: false });
    expect(blocks[3]).toMatchObject({ kind: 'list', ordered: true, start: 1 });
  });

  it('keeps raw HTML as text and drops unsafe links', () => {
    const inline = parseInline('<img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://widip.fr)');
    expect(inline[0]).toEqual({ kind: 'text', text: '<img src=x onerror=alert(1)> ' });
    expect(inline.some((n) => n.kind === 'link' && n.href.startsWith('javascript'))).toBe(false);
    expect(inline.some((n) => n.kind === 'link' && n.href === 'https://widip.fr')).toBe(true);
  });

  it('does not treat snake_case as emphasis', () => {
    expect(parseInline('conversation_id et user_id')).toEqual([{ kind: 'text', text: 'conversation_id et user_id' }]);
  });

  it('renders an unterminated fence while streaming', () => {
    expect(parseMarkdown('```\npartial')).toEqual([{ kind: 'code', lang: '', text: 'partial' }]);
  });

  it('parses GitHub-style tables with alignment and escaped pipes', () => {
    const blocks = parseMarkdown('| Paramètre | Valeur |\n|---|:---:|\n| Longueur | **14** |\n| Motif | a\\|b |\n\nFin');
    expect(blocks.map((b) => b.kind)).toEqual(['table', 'paragraph']);
    const table = blocks[0];
    if (table?.kind !== 'table') throw new Error('table expected');
    expect(table.align).toEqual([null, 'center']);
    expect(table.header).toEqual([[{ kind: 'text', text: 'Paramètre' }], [{ kind: 'text', text: 'Valeur' }]]);
    expect(table.rows[0]?.[1]).toEqual([{ kind: 'strong', children: [{ kind: 'text', text: '14' }] }]);
    expect(table.rows[1]?.[1]).toEqual([{ kind: 'text', text: 'a|b' }]);
  });
});
