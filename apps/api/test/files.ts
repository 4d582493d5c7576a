import { readFileSync } from "node:fs";
import { zip } from "@job-agent/shared/testing";

export const fixture = (name: string): Buffer => readFileSync(new URL(`../../../../shared/fixtures/cvs/${name}`, import.meta.url));

export { zip };

export const docxBomb = (): Buffer =>
  zip([
    { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
    { name: "word/document.xml", data: Buffer.alloc(80_000_000, 0x20) },
  ]);

export const absurdPdf = (): Buffer =>
  Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1000000 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n%%EOF\n");

/** Posts a multipart form with fetch's own encoder. */
export const upload = async (
  base: string,
  key: string,
  files: { name: string; bytes: Buffer; field?: string; type?: string }[],
  fields: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> => {
  const form = new FormData();
  for (const f of files) form.append(f.field ?? "files", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/octet-stream" }), f.name);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  const res = await fetch(`${base}/v1/profiles`, { method: "POST", headers: { ...headers, authorization: `Bearer ${key}` }, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
};
