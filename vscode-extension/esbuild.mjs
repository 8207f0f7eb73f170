// Two bundles: the extension host side (node, `vscode` provided by the host) and the chat webview (browser).
import { build } from "esbuild";

const common = { bundle: true, minify: true, sourcemap: false, logLevel: "warning" };
await build({ ...common, entryPoints: ["src/extension.ts"], outfile: "out/extension.js",
  platform: "node", format: "cjs", target: "node20", external: ["vscode"] });
await build({ ...common, entryPoints: ["src/webview/main.ts"], outfile: "out/webview.js",
  platform: "browser", format: "iife", target: "es2022" });
