// Builds the dashboard into the gateway's embedded assets (src/SendInterop.Gateway/Dashboard/Assets):
//   dashboard.js  - src/main.js with Chart.js bundled in (esbuild, minified, no CDN)
//   index.html, dashboard.css - copied from static/
// The output is committed (docs/dashboard.md: a fresh clone then builds with the .NET SDK alone).
//   node build.mjs          write the assets
//   node build.mjs --check  build into a temp folder and fail if the committed assets differ (CI)
import { build } from 'esbuild';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const assets = join(here, '..', 'SendInterop.Gateway', 'Dashboard', 'Assets');
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'sendinterop-dashboard-')) : assets;

async function buildInto(dir) {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.js')],
    outfile: join(dir, 'dashboard.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    legalComments: 'eof', // keeps Chart.js's and @kurkle/color's MIT notices in the bundle
    charset: 'utf8',
    logLevel: 'warning',
  });
  for (const file of readdirSync(join(here, 'static'))) copyFileSync(join(here, 'static', file), join(dir, file));
}

await buildInto(out);
if (!check) {
  console.log(`dashboard: built ${readdirSync(out).join(', ')} into ${out}`);
} else {
  const built = readdirSync(out).sort();
  const committed = existsSync(assets) ? readdirSync(assets).sort() : [];
  const stale = [...new Set([...built, ...committed])].filter(f =>
    !built.includes(f) || !committed.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join(assets, f))));
  rmSync(out, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dashboard: committed assets are out of date: ${stale.join(', ')}. Run: cd src/SendInterop.Dashboard && npm ci && npm run build`);
    process.exit(1);
  }
  console.log(`dashboard: committed assets match the source (${built.join(', ')})`);
}
