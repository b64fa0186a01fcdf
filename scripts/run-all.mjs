// Runs API, workers and console side by side for `npm start`: prefixes their output,
// prints where to go, and on Ctrl-C (or when any of them dies) stops the others gracefully.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '4000';
const consolePort = process.env.CONSOLE_PORT ?? '3000';
// The console's session cookie belongs to the API's host name, so the browser must reach
// console and API under the same one: both on localhost unless API_URL says otherwise.
const apiUrl = process.env.API_URL ?? `http://localhost:${port}`;
const env = {
  ...process.env,
  CORS_ORIGINS: process.env.CORS_ORIGINS ?? `http://localhost:${consolePort},http://127.0.0.1:${consolePort}`,
};
const colors = { api: 36, workers: 35, console: 33, peers: 32, fog: 34 };
const procs = [
  ['api', ['apps/api/dist/main.js'], {}],
  ['workers', ['workers/dist/main.js'], {}],
  ['console', ['node_modules/next/dist/bin/next', 'start', 'apps/console', '-p', consolePort], { API_URL: apiUrl }],
  // The demo mesh's peers, sending signed heartbeats and link reports through the API.
  ['peers', ['apps/api/dist/peer-agent.js', '--api', `http://127.0.0.1:${port}`], {}],
  // A demo fog node on this machine: registers through the API, pulls its jobs from BullMQ (REDIS_URL).
  ['fog', ['apps/api/dist/fog-agent.js', '--api', `http://127.0.0.1:${port}`, '--key-file', 'data/demo-fog.json', '--name', 'demo-fog-node', '--cpus', '2', '--memory-mb', '2048'], {}],
].map(([name, args, extra]) => {
  const child = spawn(process.execPath, args, { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[${colors[name]}m${name.padEnd(8)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    shutdown(code ?? 1);
  });
  return child;
});

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

setTimeout(() => {
  console.log(`
  AIVillage is starting:
    console   http://${new URL(apiUrl).hostname}:${consolePort}
    GraphQL   ${apiUrl}/graphql   (HTTP and WebSocket)
    probes    ${apiUrl}/healthz  ${apiUrl}/readyz
    metrics   ${apiUrl}/metrics
  Sign in as ${process.env.DEMO_ADMIN_EMAIL ?? 'admin@aivillage.local'} / ${process.env.DEMO_ADMIN_PASSWORD ?? 'aivillage-demo-admin'}
  (the demo admin; \`npm run create-admin\` makes your own).
  Ctrl-C stops everything.
`);
}, 1500);
