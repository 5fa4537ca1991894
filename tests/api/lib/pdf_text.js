'use strict';
/*
 * pdf_text.js - the text of a PDF as bloodops writes it (cairo, through
 * src/documents/pdf.c), read back for the tests without any dependency: a
 * minimal reader, not a general one.
 *
 *   const { pdfText, pdfPages } = require('./lib/pdf_text');
 *   const text = pdfText(bytes);   // one line per line of the document, pages in order
 *   pdfPages(bytes)                // the number of pages
 *
 * What it reads: the numbered objects of the file (cairo writes no object
 * streams), streams inflated when FlateDecode, each page's /Contents in
 * the order of the page tree's /Kids, the fonts of its /Resources with
 * their /ToUnicode CMaps (bfchar and bfrange), and in the content the
 * strings (literal or hex) of Tj, TJ, ' and " shown under the font Tf
 * chose, decoded through its CMap (as Latin-1 when it has none). A text matrix (Tm,
 * Td, TD, T*) or the end of a text object (ET) starts a new line, which is
 * how cairo writes one shown text after another; an empty line of the
 * document shows nothing and so leaves no line.
 */
const zlib = require('node:zlib');

function objectsOf(pdf) {
  const objects = new Map();
  const header = /(\d+) 0 obj\b/g;
  let match;
  while ((match = header.exec(pdf))) {
    const start = match.index + match[0].length;
    const end = pdf.indexOf('endobj', start);
    if (end < 0)
      break;
    objects.set(Number(match[1]), pdf.slice(start, end));
    header.lastIndex = end;
  }
  return objects;
}

/* The object's stream, inflated when it says FlateDecode; null without one. */
function streamOf(body) {
  const at = body.indexOf('stream');
  if (at < 0)
    return null;
  let start = at + 'stream'.length;
  if (body[start] === '\r')
    start++;
  if (body[start] === '\n')
    start++;
  const end = body.lastIndexOf('endstream');
  let data = Buffer.from(body.slice(start, end), 'latin1');
  if (/\/Filter\s*\/FlateDecode/.test(body.slice(0, at)))
    data = zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return data.toString('latin1');
}

function reference(dictionary, key) {
  const match = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dictionary);
  return match ? Number(match[1]) : null;
}

/* A ToUnicode CMap: code (hex) -> text. */
function cmapOf(text) {
  const map = new Map();
  const utf16 = (hex) => {
    const bytes = Buffer.from(hex, 'hex');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2)
      out += String.fromCharCode(bytes.readUInt16BE(i));
    return out;
  };
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const pair of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      map.set(pair[1].toLowerCase(), utf16(pair[2]));
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const range of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const width = range[1].length;
      const first = parseInt(range[1], 16), last = parseInt(range[2], 16);
      const base = Buffer.from(range[3], 'hex');
      for (let code = first; code <= last; code++) {
        const target = Buffer.from(base);
        target.writeUInt16BE(target.readUInt16BE(target.length - 2) + code - first, target.length - 2);
        map.set(code.toString(16).padStart(width, '0'), utf16(target.toString('hex')));
      }
    }
  return map;
}

/* The pages in order: the page tree from the catalog's /Pages. */
function pagesOf(objects) {
  let catalog = null;
  for (const body of objects.values())
    if (/\/Type\s*\/Catalog\b/.test(body))
      catalog = body;
  const pages = [];
  const walk = (number) => {
    const body = objects.get(number);
    if (!body)
      return;
    if (/\/Type\s*\/Pages\b/.test(body)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body);
      for (const kid of (kids ? kids[1] : '').matchAll(/(\d+)\s+0\s+R/g))
        walk(Number(kid[1]));
    } else if (/\/Type\s*\/Page\b/.test(body)) {
      pages.push(body);
    }
  };
  if (catalog)
    walk(reference(catalog, 'Pages'));
  return pages;
}

/* The fonts a page may select: resource name -> its CMap. */
function fontsOf(objects, page) {
  let resources = page;
  const resourcesRef = reference(page, 'Resources');
  if (resourcesRef !== null)
    resources = objects.get(resourcesRef) || '';
  let fontDictionary = /\/Font\s*<<([\s\S]*?)>>/.exec(resources);
  let entries = fontDictionary ? fontDictionary[1] : '';
  const fontRef = reference(resources, 'Font');
  if (!fontDictionary && fontRef !== null)
    entries = objects.get(fontRef) || '';
  const fonts = new Map();
  for (const entry of entries.matchAll(/\/([^\s/<>\[\]()]+)\s+(\d+)\s+0\s+R/g)) {
    const font = objects.get(Number(entry[2])) || '';
    const cmapRef = reference(font, 'ToUnicode');
    fonts.set(entry[1], cmapRef !== null ? cmapOf(streamOf(objects.get(cmapRef)) || '') : new Map());
  }
  return fonts;
}

/* The tokens of a content stream: strings (as bytes), arrays of them,
 * names, numbers and operators. */
function* tokensOf(content) {
  let i = 0;
  const n = content.length;
  const literal = () => { // at '(': the bytes of the string, escapes undone
    const bytes = [];
    let depth = 0;
    for (i++; i < n; i++) {
      const c = content[i];
      if (c === '\\') {
        const next = content[++i];
        const simple = { n: 10, r: 13, t: 9, b: 8, f: 12 };
        if (next in simple) {
          bytes.push(simple[next]);
        } else if (/[0-7]/.test(next)) {
          let octal = next;
          while (octal.length < 3 && /[0-7]/.test(content[i + 1]))
            octal += content[++i];
          bytes.push(parseInt(octal, 8) & 0xff);
        } else if (next === '\r' || next === '\n') {
          if (next === '\r' && content[i + 1] === '\n')
            i++;
        } else {
          bytes.push(next.charCodeAt(0));
        }
      } else if (c === '(') {
        depth++;
        bytes.push(40);
      } else if (c === ')') {
        if (depth-- === 0) {
          i++;
          return Buffer.from(bytes);
        }
        bytes.push(41);
      } else {
        bytes.push(c.charCodeAt(0) & 0xff);
      }
    }
    return Buffer.from(bytes);
  };
  while (i < n) {
    const c = content[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '%') {
      while (i < n && content[i] !== '\n')
        i++;
    } else if (c === '(') {
      yield { string: literal() };
    } else if (c === '<' && content[i + 1] !== '<') {
      const end = content.indexOf('>', i);
      yield { string: Buffer.from(content.slice(i + 1, end).replace(/\s/g, ''), 'hex') };
      i = end + 1;
    } else if (c === '[' || c === ']') {
      yield { bracket: c };
      i++;
    } else if (c === '<' || c === '>') {
      yield { bracket: content.slice(i, i + 2) };
      i += 2;
    } else {
      const match = /^\/?[^\s/<>\[\]()%]+|^\//.exec(content.slice(i, i + 200));
      const word = match ? match[0] : c;
      yield word[0] === '/' ? { name: word.slice(1) } : { word };
      i += word.length;
    }
  }
}

/* The lines a content stream shows. */
function linesOf(content, fonts) {
  const lines = [];
  let line = '', cmap = null, operands = [], array = null;
  const decode = (bytes) => {
    if (!cmap || cmap.size === 0)
      return bytes.toString('latin1');
    const width = [...cmap.keys()][0].length / 2;
    let out = '';
    for (let k = 0; k + width <= bytes.length; k += width) {
      const code = bytes.slice(k, k + width).toString('hex');
      out += cmap.has(code) ? cmap.get(code) : '\ufffd';
    }
    return out;
  };
  const end = () => {
    if (line)
      lines.push(line);
    line = '';
  };
  for (const token of tokensOf(content)) {
    if (token.bracket === '[') {
      array = [];
    } else if (token.bracket === ']') {
      operands.push({ array });
      array = null;
    } else if (array && token.string) {
      array.push(token.string);
    } else if (array) {
      continue; /* the kerning numbers of TJ */
    } else if (token.word && /^[A-Za-z'"*]+$/.test(token.word)) {
      const op = token.word;
      if (op === 'Tf') {
        const name = operands[operands.length - 2];
        cmap = name && name.name !== undefined ? fonts.get(name.name) || null : null;
      } else if (op === 'Tj' || op === "'" || op === '"') {
        if (op !== 'Tj')
          end();
        const last = operands[operands.length - 1];
        if (last && last.string)
          line += decode(last.string);
      } else if (op === 'TJ') {
        const last = operands[operands.length - 1];
        for (const piece of (last && last.array) || [])
          line += decode(piece);
      } else if (['Tm', 'Td', 'TD', 'T*', 'ET'].includes(op)) {
        end();
      }
      operands = [];
    } else {
      operands.push(token);
    }
  }
  end();
  return lines;
}

function pdfPages(bytes) {
  return pagesOf(objectsOf(Buffer.from(bytes).toString('latin1'))).length;
}

function pdfText(bytes) {
  const objects = objectsOf(Buffer.from(bytes).toString('latin1'));
  const lines = [];
  for (const page of pagesOf(objects)) {
    const fonts = fontsOf(objects, page);
    const contents = reference(page, 'Contents');
    const content = contents !== null ? streamOf(objects.get(contents) || '') : null;
    lines.push(...linesOf(content || '', fonts));
  }
  return lines.join('\n') + '\n';
}

module.exports = { pdfText, pdfPages };
