/**
 * A small well-formedness check for the SVG we write: balanced tags, quoted
 * attributes, escaped text, a single root. Throws on the first problem.
 */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  const checkText = (text: string, at: number) => {
    if (/[<>]/.test(text))
      throw new Error(`stray angle bracket in text at ${at}: ${text.slice(0, 40)}`);
    const amp = text.match(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/);
    if (amp) throw new Error(`unescaped & at ${at}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${at}`);
  };
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) {
      checkText(xml.slice(pos), pos);
      break;
    }
    checkText(xml.slice(pos, lt), pos);
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [whole, close, name, attrs, selfClose] = m;
    for (const a of attrs.matchAll(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g)) {
      throw new Error(`unescaped & in attribute at ${lt + (a.index ?? 0)}`);
    }
    const names = [...attrs.matchAll(/([A-Za-z_:][\w:.-]*)=/g)].map((x) => x[1]);
    if (new Set(names).size !== names.length)
      throw new Error(`duplicate attribute in <${name}> at ${lt}`);
    if (close) {
      if (selfClose || attrs) throw new Error(`malformed closing tag at ${lt}`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${lt}`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) {
      roots++;
    }
    pos = lt + whole.length;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`expected one root element, got ${roots}`);
}

/** Occurrences of elements with this class (exactly, or as one of several classes). */
export function countClass(svg: string, cls: string): number {
  return [...svg.matchAll(/class="([^"]*)"/g)].filter((m) => m[1].split(' ').includes(cls)).length;
}
