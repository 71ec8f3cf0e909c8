const NO_LINE_START = '，。、；：？！）》」』〕】”’…—·,.;:?!)]}%';

/**
 * Line breaking for Chinese text: by width, never starting a line with closing punctuation, and
 * never splitting a run of Latin letters and digits (an ID number, a URL) unless it is longer
 * than a whole line.
 */
export function wrap(text: string, maxWidth: number, width: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const tokens = paragraph.match(/[A-Za-z0-9.\-_:/?=&%#+@]+|[\s\S]/gu) ?? [];
    let line = '';
    const push = (token: string) => {
      if (line === '' || width(line + token) <= maxWidth) {
        line += token;
        return;
      }
      if (NO_LINE_START.includes(token) && [...line].length > 1) {
        const chars = [...line];
        const last = chars.pop() ?? '';
        out.push(chars.join(''));
        line = last + token;
        return;
      }
      out.push(line);
      line = token;
    };
    for (const token of tokens) {
      if (token.length > 1 && width(token) > maxWidth) for (const ch of token) push(ch);
      else push(token);
    }
    out.push(line);
  }
  return out;
}
