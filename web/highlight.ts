/**
 * @module
 * A small TypeScript highlighter for the source pane: comments, strings, keywords, numbers and
 * type names, line by line, carrying block comments and template strings across lines. It only
 * classifies text; the view puts each piece in a text node.
 */

export type TokenKind = 'plain' | 'comment' | 'string' | 'keyword' | 'number' | 'type' | 'call';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const KEYWORDS = new Set(
  (
    'abstract as async await break case catch class const continue declare default delete do else ' +
    'enum export extends false finally for from function get if implements import in instanceof ' +
    'interface keyof let new null of private protected public readonly return satisfies set static ' +
    'super switch this throw true try type typeof undefined unique var void while yield'
  ).split(' ')
);

type Mode = 'code' | 'block-comment' | 'template';

/** Splits source text into lines of tokens. */
export function highlight(text: string): Token[][] {
  const lines = text.split('\n');
  const out: Token[][] = [];
  let mode: Mode = 'code';
  for (const line of lines) {
    const tokens: Token[] = [];
    let i = 0;
    const push = (kind: TokenKind, s: string) => {
      if (!s) return;
      const last = tokens[tokens.length - 1];
      if (last && last.kind === kind) tokens[tokens.length - 1] = { kind, text: last.text + s };
      else tokens.push({ kind, text: s });
    };
    while (i < line.length) {
      if (mode === 'block-comment') {
        const close = line.indexOf('*/', i);
        if (close === -1) {
          push('comment', line.slice(i));
          i = line.length;
        } else {
          push('comment', line.slice(i, close + 2));
          i = close + 2;
          mode = 'code';
        }
        continue;
      }
      if (mode === 'template') {
        let j = i;
        while (j < line.length && line[j] !== '`') j += line[j] === '\\' ? 2 : 1;
        if (j >= line.length) {
          push('string', line.slice(i));
          i = line.length;
        } else {
          push('string', line.slice(i, j + 1));
          i = j + 1;
          mode = 'code';
        }
        continue;
      }
      const rest = line.slice(i);
      const ch = line[i] as string;
      if (rest.startsWith('//')) {
        push('comment', rest);
        break;
      }
      if (rest.startsWith('/*')) {
        mode = 'block-comment';
        push('comment', '/*');
        i += 2;
        continue;
      }
      if (ch === '`') {
        mode = 'template';
        push('string', '`');
        i += 1;
        continue;
      }
      if (ch === '"' || ch === "'") {
        let j = i + 1;
        while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
        push('string', line.slice(i, j + 1));
        i = j + 1;
        continue;
      }
      const word = /^[A-Za-z_$][\w$]*/.exec(rest);
      if (word) {
        const w = word[0];
        const after = line.slice(i + w.length).trimStart();
        if (KEYWORDS.has(w)) push('keyword', w);
        else if (/^[A-Z]/.test(w)) push('type', w);
        else if (after.startsWith('(')) push('call', w);
        else push('plain', w);
        i += w.length;
        continue;
      }
      const num = /^(0x[\da-fA-F_]+|\d[\d_]*(\.\d+)?(e[+-]?\d+)?n?)/.exec(rest);
      if (num) {
        push('number', num[0]);
        i += num[0].length;
        continue;
      }
      push('plain', ch);
      i += 1;
    }
    out.push(tokens);
  }
  return out;
}
