import { dirname } from "node:path";
import { createRequire } from "node:module";
import express, { Router } from "express";

const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>job-agent API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui", deepLinking: true, validatorUrl: null });\n`;

/** `/docs`: Swagger UI over /openapi.json, every asset served from this process (no CDN). */
export const docsRouter = (): Router => {
  const r = Router();
  r.get("/docs", (_req, res) => {
    res.type("html").send(PAGE);
  });
  r.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(INIT);
  });
  r.use("/docs/assets", express.static(swaggerDir, { index: false, maxAge: "1d", fallthrough: false }));
  return r;
};
