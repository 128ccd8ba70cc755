// The dashboard's static files are not TypeScript, so tsc leaves them out of dist: copy them
// next to dist/dashboard/dashboard.routes.js, where the routes look for them.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/dashboard/assets', { recursive: true, force: true });
cpSync('src/dashboard/assets', 'dist/dashboard/assets', { recursive: true });
