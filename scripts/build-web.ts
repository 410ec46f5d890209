// Builds the web app into web/dist. Run by `npm run build:web`, and by `npm ci` (the `prepare` script) so a
// fresh clone serves the app after installing; an install without dev dependencies has no Vite to build with,
// so it says so and leaves the server showing the API docs at `/`.
import { fileURLToPath } from 'node:url';

const vite = await import('vite').catch(() => null);
if (!vite) {
  console.warn('build-web: Vite is not installed (dev dependencies omitted); the web app is not built');
  process.exit(0);
}
await vite.build({
  configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)),
  logLevel: process.argv.includes('--quiet') ? 'warn' : 'info',
});
