import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Plugin, ResolvedConfig } from "vite";

const ASSETS = [
  "swagger-ui.css",
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "favicon-16x16.png",
  "favicon-32x32.png",
  "LICENSE",
];

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>PatchMon API reference</title>
    <link rel="stylesheet" href="./swagger-ui.css" />
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="./favicon-16x16.png" sizes="16x16" />
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-ui-standalone-preset.js"></script>
    <script src="./swagger-initializer.js"></script>
  </body>
</html>
`;

// A separate file rather than an inline script, so a strict Content-Security-Policy still works.
const INITIALIZER_JS = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
`;

/** Copies the swagger-ui-dist assets into `dist/swagger-ui/` at build time. */
export function swaggerUiPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "patchmon-swagger-ui",
    apply: "build",
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle() {
      const require = createRequire(import.meta.url);
      const sourceDir = dirname(require.resolve("swagger-ui-dist/package.json"));
      const targetDir = join(resolve(config.root, config.build.outDir), "swagger-ui");
      mkdirSync(targetDir, { recursive: true });
      for (const file of ASSETS) copyFileSync(join(sourceDir, file), join(targetDir, file));
      writeFileSync(join(targetDir, "index.html"), INDEX_HTML);
      writeFileSync(join(targetDir, "swagger-initializer.js"), INITIALIZER_JS);
    },
  };
}
