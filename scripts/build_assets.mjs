// Copies the npm packages' distributable files into build/static/vendor, which Django serves
// (STATICFILES_DIRS). Only what pages use is copied, so collectstatic stays small.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const target = join(root, "build", "static", "vendor");

const files = {
  "@kern-ux/native/dist/kern.min.css": "kern/kern.min.css",
  "@kern-ux/native/dist/fonts/fira-sans.css": "kern/fonts/fira-sans.css",
  "@kern-ux/native/dist/fonts/fira-sans": "kern/fonts/fira-sans",
  "@kern-ux/native/LICENSE.md": "kern/LICENSE.md",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  // leaflet.js names its source map; ManifestStaticFilesStorage fails collectstatic if it is missing.
  "leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  // leaflet.css names its layer and marker icons; ManifestStaticFilesStorage fails without them.
  "leaflet/dist/images": "leaflet/images",
  "leaflet/LICENSE": "leaflet/LICENSE",
};

rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const destination = join(target, to);
  mkdirSync(dirname(destination), { recursive: true });
  cpSync(join(modules, from), destination, { recursive: true });
}
console.log(`assets copied to ${target}`);
