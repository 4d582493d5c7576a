/** Builds small PDFs for tests and benchmarks: text pages, an encrypted one, an image-only one. */
const esc = (s: string): string => s.replace(/[\\()]/g, (c) => `\\${c}`);

export const makePdf = (opts: { pages: string[][]; encrypt?: boolean; imageOnly?: boolean; padTo?: number }): Uint8Array => {
  const objs: string[] = [];
  const add = (body: string): number => objs.push(body);
  const catalog = add("");
  const pagesObj = add("");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const kids: number[] = [];
  for (const lines of opts.pages) {
    let content: string;
    if (opts.imageOnly) {
      content = "q 100 0 0 100 72 600 cm 0.5 g 0 0 1 1 re f Q";
    } else {
      content = `BT /F1 11 Tf 14 TL 56 760 Td ${lines.map((l) => `(${esc(l)}) Tj T*`).join(" ")} ET`;
    }
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`));
  }
  objs[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objs[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  let encrypt = "";
  if (opts.encrypt) {
    const hex = (n: number) => "<" + "ab".repeat(n) + ">";
    const e = add(`<< /Filter /Standard /V 1 /R 2 /O ${hex(32)} /U ${hex(32)} /P -44 >>`);
    encrypt = ` /Encrypt ${e} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]`;
  }
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  if (opts.padTo) {
    // a large comment block, as real PDFs carry big images and fonts
    const need = opts.padTo - Buffer.byteLength(out, "latin1") - 400;
    if (need > 0) out += `%${"x".repeat(120)}\n`.repeat(Math.ceil(need / 122));
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root ${catalog} 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
};

/** A three-page CV as a PDF. */
export const threePageCv = (): Uint8Array =>
  makePdf({
    pages: [
      ["Jane Roe", "Senior Accountant", "Leeds, United Kingdom | jane.roe@example.com | +44 113 496 0000", "", "EXPERIENCE", "Senior Accountant | Brightwater Accounting", "Jan 2019 to Present", "- Led month-end close and reconciliations in Xero", "- Prepared financial statements under IFRS"],
      ["Accountant, Cedar Advisory", "2014 - 2018", "- Payroll, VAT returns and QuickBooks bookkeeping", "- Budgeting and forecasting in Excel", "", "EDUCATION", "Bachelor of Science in Accounting, University of Leeds, 2014"],
      ["SKILLS", "Xero, QuickBooks, Excel, IFRS, Payroll, Financial Reporting, Reconciliation", "", "LANGUAGES", "English (native), French (fluent)"],
    ],
  });
