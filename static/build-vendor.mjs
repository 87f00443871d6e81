// Copies the browser builds of our npm dependencies into static/vendor (git-ignored).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "static", "vendor");
mkdirSync(vendor, { recursive: true });

const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "socket.io-client/dist/socket.io.min.js": "socket.io.min.js",
  "axe-core/axe.min.js": "axe.min.js",
};
for (const [source, target] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", source), join(vendor, target));
  console.log(`static/vendor/${target}`);
}
