// Builds the web app (web/ -> web/dist) when it is missing or older than its sources, so `npm start`
// always serves the current app without a separate set-up step. `npm run dev` is the hot-reloading path.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const built = path.join(web, 'dist', 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

if (!fs.existsSync(path.join(web, 'vite.config.ts'))) {
  process.exit(0);
}
const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < newest(web);
if (stale || process.argv.includes('--force')) {
  console.log('medassist: building the web app (web/ -> web/dist)...');
  // Always the production React build, whoever runs this (vitest's globalSetup inherits NODE_ENV=test, which
  // would make Vite bundle development React: twice the size, and StrictMode's doubled requests).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
}
