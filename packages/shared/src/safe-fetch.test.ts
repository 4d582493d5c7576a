import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsafeUrlError, checkPublicUrl, isPublicAddress, safeFetch, type Resolver } from "./safe-fetch.js";

const hits: string[] = [];
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("hello");
const server: Server = createServer((req, res) => {
  hits.push(`${req.method} ${req.url}`);
  handler(req, res);
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const open = { allowPrivateHosts: ["127.0.0.1"], httpsOnly: false };
const closed = { allowPrivateHosts: [], httpsOnly: false };

const refused = async (p: Promise<unknown>, message?: RegExp) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnsafeUrlError);
  if (message) expect((err as Error).message).toMatch(message);
};

describe("isPublicAddress", () => {
  it("refuses loopback, private, link-local, metadata, reserved and their IPv6 forms", () => {
    for (const ip of [
      "127.0.0.1", "127.255.255.254", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
      "100.64.0.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
      "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::", "ff02::1", "2001:db8::1",
    ]) expect(isPublicAddress(ip), ip).toBe(false);
  });
  it("lets public addresses through", () => {
    for (const ip of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPublicAddress(ip), ip).toBe(true);
  });
});

describe("checkPublicUrl", () => {
  it("refuses every spelling of a private address before any request", async () => {
    const before = hits.length;
    for (const host of [
      "127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "127.1", "017700000001", "[::1]", "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "169.254.169.254", "2852039166", "[::ffff:a9fe:a9fe]", "10.0.0.1", "0", "[fe80::1]",
    ]) {
      await refused(checkPublicUrl(`http://${host}:${port}/x`, closed), /not public|non-public/);
      await refused(safeFetch(`http://${host}:${port}/x`, closed));
    }
    expect(hits.length).toBe(before);
  });

  it("refuses a host name that resolves to a private address, including localhost", async () => {
    await refused(checkPublicUrl(`http://localhost:${port}/`, closed), /non-public/);
    const evil: Resolver = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    await refused(checkPublicUrl("https://evil.example/cv.pdf", { ...closed, resolve: evil }), /evil.example resolves to a non-public/);
    const mixed: Resolver = () =>
      Promise.resolve([
        { address: "93.184.215.14", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ]);
    await refused(checkPublicUrl("https://mixed.example/", { ...closed, resolve: mixed }));
  });

  it("refuses other schemes, credentials and http in https-only mode", async () => {
    await refused(checkPublicUrl("file:///etc/passwd", closed), /only http and https/);
    await refused(checkPublicUrl("gopher://example.com/", closed));
    await refused(checkPublicUrl("http://user:pw@example.com/", closed), /credentials/);
    await refused(checkPublicUrl("http://example.com/", { ...closed, httpsOnly: true }), /only https/);
  });
});

describe("safeFetch", () => {
  it("fetches an allowed private host, connecting to the address it checked", async () => {
    handler = (req, res) => res.end(`hello ${req.headers.host}`);
    const res = await safeFetch(`http://127.0.0.1:${port}/a`, open);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body).toString()).toBe(`hello 127.0.0.1:${port}`);
    // A name that is allowed is resolved once and the socket goes to that address; the Host header keeps the name.
    const local: Resolver = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    const named = await safeFetch(`http://receiver.test:${port}/b`, { allowPrivateHosts: ["receiver.test"], httpsOnly: false, resolve: local });
    expect(Buffer.from(named.body).toString()).toBe(`hello receiver.test:${port}`);
    // A CIDR entry allows by address.
    const cidr = await safeFetch(`http://localhost:${port}/c`, { allowPrivateHosts: ["127.0.0.0/8"], httpsOnly: false });
    expect(cidr.status).toBe(200);
  });

  it("re-checks every redirect and refuses one that leads to a private address", async () => {
    handler = (req, res) => {
      if (req.url === "/to-private") res.writeHead(302, { location: `http://localhost:${port}/secret` }).end();
      else if (req.url === "/to-metadata") res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      else if (req.url === "/to-decimal") res.writeHead(301, { location: `http://2130706433:${port}/secret` }).end();
      else if (req.url === "/to-ok") res.writeHead(302, { location: "/final" }).end();
      else if (req.url === "/loop") res.writeHead(302, { location: "/loop" }).end();
      else res.end(req.url);
    };
    hits.length = 0;
    // Only the host 127.0.0.1 is allowed: localhost and the metadata address are not.
    await refused(safeFetch(`http://127.0.0.1:${port}/to-private`, open), /localhost resolves to a non-public/);
    await refused(safeFetch(`http://127.0.0.1:${port}/to-metadata`, open), /169.254.169.254 is not public/);
    expect(hits).toEqual(["GET /to-private", "GET /to-metadata"]);
    // The decimal spelling is the same host after parsing, so it stays allowed: the check is on what is connected to.
    expect((await safeFetch(`http://127.0.0.1:${port}/to-decimal`, open)).finalUrl).toBe(`http://127.0.0.1:${port}/secret`);
    const ok = await safeFetch(`http://127.0.0.1:${port}/to-ok`, open);
    expect(Buffer.from(ok.body).toString()).toBe("/final");
    await refused(safeFetch(`http://127.0.0.1:${port}/loop`, { ...open, maxRedirects: 2 }), /more than 2 redirects/);
    const noFollow = await safeFetch(`http://127.0.0.1:${port}/to-ok`, { ...open, maxRedirects: 0 });
    expect(noFollow.status).toBe(302);
  });

  it("caps the body and the time", async () => {
    handler = (_req, res) => {
      res.write(Buffer.alloc(64 * 1024));
      res.end(Buffer.alloc(64 * 1024));
    };
    await refused(safeFetch(`http://127.0.0.1:${port}/big`, { ...open, maxBytes: 100_000 }), /larger than 100000 bytes/);
    handler = () => undefined; // never answers
    const err = await safeFetch(`http://127.0.0.1:${port}/slow`, { ...open, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/timed out|aborted/);
  });
});
