/** Turns what the parser worker extracted into CV text: PDF text items into lines, DOCX XML into paragraphs. */

export interface PdfItem {
  s: string;
  x: number;
  y: number;
  w: number;
  h: number;
  eol: boolean;
}

export interface PdfPage {
  width: number;
  height: number;
  items: PdfItem[];
}

interface Line {
  y: number;
  h: number;
  items: PdfItem[];
}

const groupLines = (items: PdfItem[]): Line[] => {
  const sorted = items.filter((i) => i.s.length > 0).sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(2, Math.min(last.h, it.h) * 0.5)) last.items.push(it);
    else lines.push({ y: it.y, h: it.h, items: [it] });
  }
  for (const l of lines) l.items.sort((a, b) => a.x - b.x);
  return lines;
};

/** Joins a line's items: nothing between touching items, a space for a word gap, a tab for a column gap. */
const lineText = (items: PdfItem[]): string => {
  let out = "";
  let end: number | null = null;
  for (const it of items) {
    if (end !== null) {
      const gap = it.x - end;
      if (gap > it.h * 2.5) out += "\t";
      else if (gap > it.h * 0.12 && !out.endsWith(" ") && !it.s.startsWith(" ")) out += " ";
    }
    out += it.s;
    end = it.x + it.w;
  }
  return out.replace(/[ \t]+$/, "");
};

/**
 * The x where a two-column page splits: a vertical band that no item crosses
 * on most lines, with text on both sides. Null for one column.
 */
const columnSplit = (lines: Line[], width: number): number | null => {
  if (lines.length < 8 || width <= 0) return null;
  const step = width / 60;
  let best: { x: number; n: number } | null = null;
  for (let x = width * 0.2; x <= width * 0.7; x += step) {
    let both = 0;
    let crossed = 0;
    for (const l of lines) {
      if (l.items.some((i) => i.x < x && i.x + i.w > x)) crossed++;
      else if (l.items.some((i) => i.x + i.w <= x) && l.items.some((i) => i.x >= x)) both++;
    }
    if (crossed <= lines.length * 0.1 && both >= lines.length * 0.3 && (!best || both > best.n)) best = { x, n: both };
  }
  return best?.x ?? null;
};

/** Text of a PDF, page by page, line by line; two-column pages are read left column first. */
export const pdfPagesToText = (pages: PdfPage[]): string => {
  const out: string[] = [];
  for (const page of pages) {
    const lines = groupLines(page.items);
    const split = columnSplit(lines, page.width);
    if (split === null) {
      out.push(...lines.map((l) => lineText(l.items)));
    } else {
      const left = groupLines(page.items.filter((i) => i.x < split));
      const right = groupLines(page.items.filter((i) => i.x >= split));
      out.push(...left.map((l) => lineText(l.items)), "", ...right.map((l) => lineText(l.items)));
    }
    out.push("");
  }
  return out.join("\n");
};

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const decodeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });

/**
 * Text of a DOCX body (`word/document.xml`): one line per paragraph, list
 * paragraphs as "- " bullets, table cells joined with " | ", tabs and breaks kept.
 */
export const docxXmlToText = (xml: string): string => {
  const body = /<w:body\b[^>]*>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? xml;
  const lines: string[] = [];
  // rows of tables become one line each, their cells joined
  const withRows = body.replace(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g, (_m, row: string) => {
    const cells = [...row.matchAll(/<w:tc\b[^>]*>([\s\S]*?)<\/w:tc>/g)].map((c) => paragraphs(c[1] ?? "").join(" ").trim());
    return `<w:p><w:r><w:t>${cells.filter(Boolean).map(escapeXml).join(" | ")}</w:t></w:r></w:p>`;
  });
  lines.push(...paragraphs(withRows));
  return lines.join("\n");
};

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const paragraphs = (xml: string): string[] => {
  const out: string[] = [];
  for (const m of xml.matchAll(/<w:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/w:p>)/g)) {
    const p = m[1] ?? "";
    const bullet = /<w:numPr\b/.test(p);
    let text = "";
    for (const t of p.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>|<w:(tab|br|cr)\b[^>]*\/>/g)) {
      if (t[2] === "tab") text += "\t";
      else if (t[2] === "br" || t[2] === "cr") text += "\n";
      else text += decodeXml(t[1] ?? "");
    }
    out.push(bullet && text.trim() ? `- ${text.trim()}` : text);
  }
  return out;
};
