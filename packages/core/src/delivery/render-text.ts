/** The plain-text rendering of a message's content. */
import { httpUrl, type Block, type Content } from './message-content.js';

export function renderText(content: Content, product: string): string {
  const blocks = content.blocks.map(blockText).filter((block) => block !== '');
  return [content.heading, ...blocks, `— ${product}`].join('\n\n') + '\n';
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'link':
      return `${block.label}:\n${httpUrl(block.url) ?? block.url}`;
    case 'code':
      return `${block.label}: ${block.code}`;
    case 'facts':
      return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
  }
}
