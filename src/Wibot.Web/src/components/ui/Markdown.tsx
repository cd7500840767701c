import { Button } from '@mantine/core';
import { Fragment, useEffect, useMemo, useState, type ReactNode } from 'react';
import type * as HighlightExports from '@/lib/highlight';
import type { HighlightNode } from '@/lib/highlight';
import { parseMarkdown, type Block, type Inline } from '@/lib/markdown';

type HighlightModule = typeof HighlightExports;
let highlighter: HighlightModule | null = null;
let highlighterLoad: Promise<HighlightModule> | null = null;

/** highlight.js is loaded on demand (its own chunk), the first time a fenced block names a language. */
function useHighlighter(wanted: boolean): HighlightModule | null {
  const [module, setModule] = useState(highlighter);
  useEffect(() => {
    if (!wanted || module) return;
    let alive = true;
    highlighterLoad ??= import('@/lib/highlight');
    highlighterLoad
      .then((loaded) => {
        highlighter = loaded;
        if (alive) setModule(loaded);
      })
      .catch(() => {
        highlighterLoad = null; // plain text stays; a later block may retry
      });
    return () => {
      alive = false;
    };
  }, [wanted, module]);
  return module;
}

function renderHighlight(nodes: HighlightNode[]): ReactNode[] {
  return nodes.map((node, index) =>
    typeof node === 'string' ? (
      <Fragment key={index}>{node}</Fragment>
    ) : (
      <span key={index} className={node.className || undefined}>
        {renderHighlight(node.children)}
      </span>
    ),
  );
}

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={index}>{node.text}</Fragment>;
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'strong':
        return <strong key={index}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={index}>{renderInline(node.children)}</em>;
      case 'link':
        return (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children)}
          </a>
        );
      case 'br':
        return <br key={index} />;
    }
  });
}

function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const module = useHighlighter(lang.trim() !== '');
  const highlighted = useMemo(() => (module ? module.highlightCode(text, lang) : null), [module, text, lang]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API refused (insecure context): fall back to a hidden textarea.
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="md-code">
      <div className="md-code__bar">
        <span className="md-code__lang">{lang || 'code'}</span>
        <Button size="compact-xs" variant="subtle" color="gray.2" onClick={() => void copy()} aria-label={copied ? 'Code copié' : 'Copier le code'}>
          {copied ? 'Copié ✓' : 'Copier'}
        </Button>
        <span className="sr-only" role="status" data-testid="copy-status">
          {copied ? 'Code copié dans le presse-papiers' : ''}
        </span>
      </div>
      <pre>
        <code className={highlighted ? 'hljs' : undefined} data-highlighted={highlighted ? 'true' : undefined}>
          {highlighted ? renderHighlight(highlighted) : text}
        </code>
      </pre>
    </div>
  );
}

function renderBlocks(blocks: Block[]): ReactNode[] {
  return blocks.map((block, index) => {
    switch (block.kind) {
      case 'paragraph':
        return <p key={index}>{renderInline(block.children)}</p>;
      case 'heading': {
        const Tag = `h${Math.min(6, block.level + 2)}` as 'h3' | 'h4' | 'h5' | 'h6';
        return <Tag key={index}>{renderInline(block.children)}</Tag>;
      }
      case 'code':
        return <CodeBlock key={index} lang={block.lang} text={block.text} />;
      case 'list': {
        const items = block.items.map((item, i) => <li key={i}>{renderInline(item)}</li>);
        return block.ordered ? (
          <ol key={index} start={block.start}>
            {items}
          </ol>
        ) : (
          <ul key={index}>{items}</ul>
        );
      }
      case 'quote':
        return <blockquote key={index}>{renderBlocks(block.children)}</blockquote>;
      case 'rule':
        return <hr key={index} />;
      case 'table':
        return (
          <div key={index} className="md-table">
            <table>
              <thead>
                <tr>
                  {block.header.map((cell, c) => (
                    <th key={c} scope="col" style={{ textAlign: block.align[c] ?? undefined }}>
                      {renderInline(cell)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {block.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td key={c} style={{ textAlign: block.align[c] ?? undefined }}>
                        {renderInline(cell)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
    }
  });
}

/** Renders Markdown safely: every piece of text goes through React, never through innerHTML. */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{renderBlocks(parseMarkdown(source))}</div>;
}
