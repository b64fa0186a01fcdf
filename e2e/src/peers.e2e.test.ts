/**
 * The Peers page in a real browser against a real, isolated platform (API, one worker
 * process, Postgres schema, Redis prefix). Five peers are registered from Node through the
 * public API under fresh Ed25519 keys and send signed heartbeats and link reports
 * (`sendPeerMessages`): alpha–beta over QUIC, beta–gamma over BLE, gamma–delta and
 * delta–alpha over HTX, each direction reported by its own end; epsilon is ONLINE but nobody
 * links to it. Then:
 *  - the status header counts the peers and links and sees the heartbeat rate; the graph
 *    draws the five peers and four edges; clicking alpha opens its fields, its two links and
 *    their history charts;
 *  - the route finder finds alpha → gamma hop by hop and draws it on the graph; a route to
 *    epsilon shows the API's NO_ROUTE with `extensions.reason` "disconnected";
 *  - with the page open, a new peer registering and sending its first heartbeat appears in
 *    the live event log (REGISTERED, JOINED) and in the graph and status, without a reload;
 *    removed from its detail (confirmed), it leaves the graph with a REMOVED event;
 *  - a mesh over the node cap and a TTL of 17 show the API's BAD_USER_INPUT; a 100-peer mesh
 *    generated from the form is drawn, a simulation on it succeeds with its times and the
 *    guide comparison, and one on the registered peers is listed beside it.
 * Peers stay ONLINE for the whole file (P2P_PEER_TIMEOUT_MS is raised). Needs `npm run build`
 * and `npm run build:console` first; screenshots and service logs go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';
import { heartbeat, linkReport, registerPeer, sendPeerMessages, type MeshPeer } from './support/mesh-peers.js';
import { poll } from './support/poll.js';

/** Simulations run on the worker: QUEUED → RUNNING → SUCCEEDED within this. */
const JOB_TIMEOUT_MS = 20_000;

describe('peers page', () => {
  const session = setUpConsoleSession({ stack: { env: { P2P_PEER_TIMEOUT_MS: '600000' } } });
  const { graphql } = session;
  const peers: Record<string, MeshPeer> = {};
  let page: Page;

  const openPeers = async (pathname = '/peers') => {
    page = await session.openAsAdmin(pathname, 'page-peers');
    return page;
  };
  const graph = () => page.getByTestId('mesh-graph');
  const node = (id: string) => graph().locator(`[data-testid="mesh-graph-node"][data-id="${id}"]`);
  /** Waits until `locator`'s attribute reads `value` (the page re-reads on its own). */
  const waitForAttr = (locator: Locator, name: string, value: string) =>
    poll(`${name}="${value}"`, async () => (await locator.getAttribute(name, { timeout: 1000 })) === value, { timeoutMs: 15_000 });

  test('registered peers fill the status header and the graph; a clicked peer shows its fields, links and link history', { timeout: 60_000 }, async () => {
    const specs = [
      { name: 'alpha', deviceClass: 'SERVER', region: 'eu-west', transports: [{ transport: 'QUIC', address: 'quic://10.0.0.1:4433' }, { transport: 'HTX', address: 'htx://10.0.0.1:8443' }] },
      { name: 'beta', deviceClass: 'DESKTOP', region: 'eu-west', transports: [{ transport: 'QUIC', address: 'quic://10.0.0.2:4433' }, { transport: 'BLE', address: 'ble://beta' }] },
      { name: 'gamma', deviceClass: 'MOBILE', region: 'eu-central', transports: [{ transport: 'BLE', address: 'ble://gamma' }, { transport: 'HTX', address: 'htx://10.0.0.3:8443' }] },
      { name: 'delta', deviceClass: 'DESKTOP', region: 'us-east', transports: [{ transport: 'HTX', address: 'htx://10.0.0.4:8443' }] },
      { name: 'epsilon', deviceClass: 'SERVER', region: 'ap-south', transports: [{ transport: 'QUIC', address: 'quic://10.0.0.5:4433' }] },
    ] as const;
    for (const spec of specs) peers[spec.name] = await registerPeer(graphql, { ...spec, transports: [...spec.transports] });
    const { alpha, beta, gamma, delta, epsilon } = peers;

    const quic = (to: MeshPeer, latencyMs: number) => ({ to, transport: 'quic' as const, latencyMs, throughputMbps: 200, successRate: 0.99 });
    const htx = (to: MeshPeer, latencyMs: number) => ({ to, transport: 'htx' as const, latencyMs, throughputMbps: 50, successRate: 0.97 });
    const ble = (to: MeshPeer, latencyMs: number) => ({ to, transport: 'ble' as const, latencyMs, throughputMbps: 1, successRate: 0.95 });
    await sendPeerMessages(graphql, [
      heartbeat(alpha),
      heartbeat(beta),
      heartbeat(gamma, 76),
      heartbeat(delta),
      heartbeat(epsilon),
      linkReport(alpha, [quic(beta, 12), htx(delta, 80)]),
      linkReport(beta, [quic(alpha, 13), ble(gamma, 25)]),
      linkReport(gamma, [ble(beta, 27), htx(delta, 60)]),
      linkReport(delta, [htx(alpha, 85), htx(gamma, 62)]),
    ]);
    // A second report of alpha's links: two points of history each.
    await sendPeerMessages(graphql, [linkReport(alpha, [quic(beta, 14), htx(delta, 82)]), heartbeat(beta)]);

    await openPeers();
    await withScreenshotOnFailure(page, 'peers-mesh', async () => {
      assert.equal(await page.getByTestId('nav-peers').getAttribute('aria-current'), 'page');
      const byStatus = page.getByTestId('mesh-peers-by-status');
      await waitForAttr(byStatus, 'data-online', '5');
      assert.equal(await attr(page, 'mesh-peers'), '5');
      assert.equal(await byStatus.getAttribute('data-new'), '0');
      assert.equal(await attr(page, 'mesh-mobile-peers'), '1');
      assert.equal(await attr(page, 'mesh-links'), '8', 'eight directed links reported');
      assert.ok(Number(await attr(page, 'mesh-average-latency')) > 0);
      assert.ok(Number(await attr(page, 'mesh-average-success')) > 0.9);
      // Rates are measured over the last 10 s: the messages just sent count.
      assert.ok(Number(await attr(page, 'mesh-heartbeats-per-second')) > 0, 'heartbeats/s seen');
      assert.ok(Number(await attr(page, 'mesh-link-reports-per-second')) > 0, 'link reports/s seen');
      assert.equal(await page.getByTestId('mesh-health').getAttribute('data-healthy'), 'true');

      // The graph: five peers (ONLINE), four edges (pairs × transport), laid out in SVG.
      await page.locator('[data-testid="mesh-graph"][data-state="stable"]').waitFor();
      assert.equal(await graph().getAttribute('data-nodes'), '5');
      assert.equal(await graph().getAttribute('data-edges'), '4');
      assert.equal(await graph().locator('[data-testid="mesh-graph-node"]').count(), 5);
      assert.equal(await node(epsilon.id).getAttribute('data-kind'), 'ONLINE');
      assert.equal(await page.getByTestId('mesh-graph-legend-htx').getAttribute('data-value'), '2');
      assert.equal(await page.getByTestId('mesh-graph-legend-quic').getAttribute('data-value'), '1');
      assert.equal(await page.getByTestId('mesh-graph-legend-ble').getAttribute('data-value'), '1');

      // Clicking alpha selects it: a shareable URL and its details.
      await node(alpha.id).locator('circle.force-graph__body').click();
      await page.locator(`[data-testid="peer-detail-name"][data-id="${alpha.id}"]`).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('peer'), alpha.id);
      assert.equal(await node(alpha.id).getAttribute('data-selected'), 'true');
      assert.equal(await page.getByTestId('peer-detail-name').textContent(), 'alpha');
      assert.equal(await page.getByTestId('peer-detail-status').getAttribute('data-status'), 'ONLINE');
      assert.equal(await attr(page, 'peer-device-class'), 'SERVER');
      assert.equal(await attr(page, 'peer-region'), 'eu-west');
      assert.equal(await attr(page, 'peer-public-key'), alpha.keys.publicKey);
      assert.equal(await attr(page, 'peer-transports'), 'QUIC,HTX');
      assert.notEqual(await attr(page, 'peer-detail-last-seen'), '');
      const links = page.getByTestId('peer-links');
      assert.equal(await links.getAttribute('data-count'), '2');
      const toBeta = links.locator(`[data-testid="peer-link-row"][data-to="${beta.id}"]`);
      assert.equal(await toBeta.getAttribute('data-transport'), 'QUIC');
      assert.equal(await toBeta.getByTestId('peer-link-latency').getAttribute('data-value'), '14', 'the latest report');
      assert.equal(await links.locator(`[data-testid="peer-link-row"][data-to="${delta.id}"]`).getAttribute('data-transport'), 'HTX');
      // History: two reports of each of the two links, on both charts.
      const latencyChart = page.getByTestId('chart-peer-link-latency');
      assert.equal(await latencyChart.getAttribute('data-links'), '2');
      assert.equal(await latencyChart.getAttribute('data-points'), '4');
      assert.equal(await page.getByTestId('chart-peer-link-success').getAttribute('data-points'), '4');
      assert.ok((await latencyChart.locator('.recharts-line').count()) >= 2, 'a line per link');

      // Following a link opens the far end: gamma reports its battery.
      await toBeta.getByTestId('peer-link-open').click();
      await page.locator(`[data-testid="peer-detail-name"][data-id="${beta.id}"]`).waitFor();
      await node(gamma.id).locator('circle.force-graph__body').click();
      await page.locator(`[data-testid="peer-detail-name"][data-id="${gamma.id}"]`).waitFor();
      assert.equal(await attr(page, 'peer-battery'), '76');
      assert.equal(await attr(page, 'peer-device-class'), 'MOBILE');
      await screenshot(page, 'peers');
      session.assertNoPageErrors();
    });
  });

  test('the route finder shows the best route hop by hop and on the graph; an unlinked peer gets NO_ROUTE with its reason', { timeout: 30_000 }, async () => {
    const { alpha, gamma, epsilon } = peers;
    await withScreenshotOnFailure(page, 'peers-route', async () => {
      const finder = page.getByTestId('route-finder');
      await finder.getByTestId('route-from').selectOption(alpha.id);
      await finder.getByTestId('route-to').selectOption(gamma.id);
      await finder.getByTestId('route-size').fill('4096');
      await finder.getByTestId('route-find').click();
      const result = finder.getByTestId('route-result');
      await result.waitFor();
      const path = ((await result.getAttribute('data-peers')) ?? '').split(',');
      assert.equal(path[0], alpha.id);
      assert.equal(path.at(-1), gamma.id);
      assert.equal(path.length, 3, 'two hops: via beta or via delta');
      const hops = result.getByTestId('route-hop');
      assert.equal(await hops.count(), 2);
      for (let i = 0; i < 2; i++) {
        const hop = hops.nth(i);
        assert.equal(await hop.getAttribute('data-from'), path[i]);
        assert.equal(await hop.getAttribute('data-to'), path[i + 1]);
        assert.match((await hop.getAttribute('data-transport')) ?? '', /^(QUIC|HTX|BLE)$/);
        assert.ok(Number(await hop.getAttribute('data-latency')) > 0);
      }
      const names = await result.getByTestId('route-peer').allTextContents();
      assert.equal(names[0], 'alpha');
      assert.equal(names.at(-1), 'gamma');
      const score = Number(await attr(result, 'route-score'));
      assert.ok(score > 0 && score <= 1, `score in (0, 1], got ${score}`);
      assert.ok(Number(await attr(result, 'route-expected-latency')) > 0);
      assert.equal(await result.getByTestId('route-breakdown-part').count(), 4);
      // The other way round the square is the alternative.
      assert.equal(await result.getByTestId('route-alternative').count(), 1);
      // Drawn on the graph.
      assert.equal(await page.getByTestId('mesh-graph-route').getAttribute('data-peers'), path.join(','));
      assert.equal(await node(alpha.id).getAttribute('data-on-route'), 'true');
      assert.equal(await node(gamma.id).getAttribute('data-on-route'), 'true');
      assert.equal(await node(epsilon.id).getAttribute('data-on-route'), 'false');
      await screenshot(page, 'peers-route');

      // Nobody links to epsilon: the API's coded error, shown with its reason; the route is cleared.
      await finder.getByTestId('route-to').selectOption(epsilon.id);
      await finder.getByTestId('route-find').click();
      const error = finder.getByTestId('route-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'NO_ROUTE');
      assert.equal(await error.getByTestId('route-error-code').textContent(), 'NO_ROUTE');
      assert.notEqual((await error.getByTestId('route-error-message').textContent())?.trim(), '');
      assert.equal(await attr(error, 'route-error-reason'), 'disconnected');
      assert.equal(await finder.getByTestId('route-result').count(), 0);
      assert.equal(await page.getByTestId('mesh-graph-route').count(), 0);
      session.assertNoPageErrors();
    });
  });

  test('a new peer registering and sending its first heartbeat shows up live: event log, graph and status; removing it takes it away', { timeout: 30_000 }, async () => {
    const { alpha, beta } = peers;
    await withScreenshotOnFailure(page, 'peers-live', async () => {
      // Events are not replayed: make sure the subscription is delivering before the new peer
      // registers (a link whose latency moves by ≥ 20% is a LINK_CHANGED event).
      let latency = 14;
      await poll(
        'the live event log to receive a LINK_CHANGED event',
        async () => {
          latency = latency === 14 ? 40 : 14;
          await sendPeerMessages(graphql, [linkReport(alpha, [{ to: beta, transport: 'quic', latencyMs: latency, throughputMbps: 200, successRate: 0.99 }])]);
          return (await page.locator('[data-testid="peer-event"][data-kind="LINK_CHANGED"]').count()) > 0;
        },
        { timeoutMs: 15_000, intervalMs: 700 },
      );

      const zeta = await registerPeer(graphql, { name: 'zeta', deviceClass: 'MOBILE', transports: [{ transport: 'BLE', address: 'ble://zeta' }] });
      peers.zeta = zeta;
      await page.locator(`[data-testid="peer-event"][data-kind="REGISTERED"][data-peer-id="${zeta.id}"]`).waitFor();
      await sendPeerMessages(graphql, [heartbeat(zeta, 55)]);
      const joined = page.locator(`[data-testid="peer-event"][data-kind="JOINED"][data-peer-id="${zeta.id}"]`);
      await joined.waitFor();
      // The graph and the status re-read on events: zeta is drawn, ONLINE, and named in the log.
      await waitForAttr(graph(), 'data-nodes', '6');
      await node(zeta.id).waitFor();
      await waitForAttr(node(zeta.id), 'data-kind', 'ONLINE');
      await waitForAttr(page.getByTestId('mesh-peers'), 'data-value', '6');
      await poll('the event to name the peer', async () => /zeta/.test((await joined.textContent()) ?? ''));
      assert.ok(Number(await attr(page, 'peer-events-count')) >= 3);
      assert.equal(await page.getByTestId('peer-events-connection').getAttribute('data-state'), 'live');

      // Removing it from its detail (after confirming): REMOVED in the log, gone from the graph.
      await node(zeta.id).locator('circle.force-graph__body').click();
      await page.locator(`[data-testid="peer-detail-name"][data-id="${zeta.id}"]`).waitFor();
      assert.equal(await attr(page, 'peer-battery'), '55');
      await page.getByTestId('peer-remove').click();
      await page.getByTestId('peer-remove-confirm').click();
      await page.locator(`[data-testid="peer-event"][data-kind="REMOVED"][data-peer-id="${zeta.id}"]`).waitFor();
      await page.getByTestId('peer-detail-hint').waitFor();
      assert.equal(new URL(page.url()).searchParams.get('peer'), null);
      await waitForAttr(graph(), 'data-nodes', '5');
      await waitForAttr(page.getByTestId('mesh-peers'), 'data-value', '5');
      delete peers.zeta;
      session.assertNoPageErrors();
    });
  });

  test('meshes and propagation runs: the API refuses bad sizes; a 100-peer mesh is drawn and simulated, beside a run on the registered peers', { timeout: 60_000 }, async () => {
    await withScreenshotOnFailure(page, 'peers-simulations', async () => {
      const form = page.getByTestId('mesh-generate-form');
      // Over the node cap (P2P_MAX_SIM_NODES, 20,000 by default): the API's message, nothing queued.
      await form.getByTestId('mesh-generate-nodes').fill('50000');
      await form.getByTestId('mesh-generate-submit').click();
      const refused = form.getByTestId('mesh-generate-error');
      await refused.waitFor();
      assert.equal(await refused.getAttribute('data-code'), 'BAD_USER_INPUT');
      assert.match((await refused.getByTestId('mesh-generate-error-message').textContent()) ?? '', /P2P_MAX_SIM_NODES/);
      assert.equal(await attr(page, 'mesh-topologies-count'), '0');

      // The guide's scenario: 100 peers.
      await form.getByTestId('mesh-generate-nodes').fill('100');
      await form.getByTestId('mesh-generate-name').fill('guide-100');
      await form.getByTestId('mesh-generate-seed').fill('7');
      await form.getByTestId('mesh-generate-submit').click();
      await form.getByTestId('mesh-generate-notice').waitFor();
      const row = page.locator('[data-testid="mesh-topology-row"][data-name="guide-100"]');
      await row.waitFor();
      await page.locator('[data-testid="mesh-topology-row"][data-name="guide-100"][data-status="SUCCEEDED"]').waitFor({ timeout: JOB_TIMEOUT_MS });
      const topologyId = (await row.getAttribute('data-id'))!;
      const links = Number(await attr(row, 'mesh-topology-links'));
      assert.ok(links >= 250, `about degree × nodes / 2 links, got ${links}`);

      // Drawn in the topology view (a shareable URL).
      await row.getByTestId('mesh-topology-show').click();
      await page.locator(`[data-testid="mesh-graph-figure"][data-topology="${topologyId}"]`).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('topology'), topologyId);
      await page.locator('[data-testid="mesh-graph"][data-state="stable"]').waitFor();
      assert.equal(await graph().getAttribute('data-nodes'), '100');
      assert.equal(await graph().locator('[data-testid="mesh-graph-node"]').count(), 100);
      assert.ok(Number(await graph().getAttribute('data-edges')) >= links, 'an edge per link and transport');
      await graph().locator('[data-testid="mesh-graph-node"][data-id="peer-0"] circle.force-graph__body').click();
      const picked = page.getByTestId('mesh-graph-picked');
      await picked.waitFor();
      assert.ok(Number(await picked.getAttribute('data-degree')) >= 1);
      await screenshot(page, 'peers-mesh-100');

      // Simulate on it: a TTL over 16 is refused with the API's message.
      await row.getByTestId('mesh-topology-simulate').click();
      const sim = page.getByTestId('simulate-form');
      assert.equal(await sim.getByTestId('simulate-target').inputValue(), topologyId);
      await sim.getByTestId('simulate-ttl').fill('17');
      await sim.getByTestId('simulate-submit').click();
      const bad = sim.getByTestId('simulate-error');
      await bad.waitFor();
      assert.equal(await bad.getAttribute('data-code'), 'BAD_USER_INPUT');
      assert.match((await bad.getByTestId('simulate-error-message').textContent()) ?? '', /ttl/);
      assert.equal(await attr(page, 'simulation-runs-count'), '0');

      await sim.getByTestId('simulate-ttl').fill('7');
      await sim.getByTestId('simulate-failure-rate').fill('0.2');
      await sim.getByTestId('simulate-seed').fill('3');
      await sim.getByTestId('simulate-submit').click();
      const run = page.locator(`[data-testid="simulation-row"][data-topology="${topologyId}"]`);
      await run.waitFor();
      await page.locator(`[data-testid="simulation-row"][data-topology="${topologyId}"][data-status="SUCCEEDED"]`).waitFor({ timeout: JOB_TIMEOUT_MS });
      assert.equal(await run.getAttribute('data-ttl'), '7');
      assert.equal(await run.getAttribute('data-seed'), '3');
      assert.ok(Number(await attr(run, 'simulation-reachability')) > 0.5);
      assert.ok(Number(await attr(run, 'simulation-p100')) > 0);
      // The new run is open below: times as bars, the guide's 100-node figures beside its own.
      const detail = page.locator(`[data-testid="simulation-detail"][data-status="SUCCEEDED"]`);
      await detail.waitFor();
      assert.equal(await detail.getByTestId('simulation-time').count(), 7);
      assert.ok(Number(await detail.locator('[data-testid="simulation-time"][data-key="live-p50"]').getAttribute('data-value')) > 0);
      const guide = detail.getByTestId('simulation-guide-row');
      assert.ok((await guide.count()) >= 2, 'guide comparison rows');
      assert.notEqual(await guide.first().getAttribute('data-simulated'), '');

      // The registered peers (ONLINE when the job runs) as the mesh: listed beside the first run.
      await sim.getByTestId('simulate-target').selectOption('');
      await sim.getByTestId('simulate-submit').click();
      await page.locator('[data-testid="simulation-row"][data-topology=""][data-status="SUCCEEDED"]').waitFor({ timeout: JOB_TIMEOUT_MS });
      assert.equal(await attr(page, 'simulation-runs-count'), '2');
      const registered = page.locator('[data-testid="simulation-row"][data-topology=""]');
      assert.ok(Number(await attr(registered, 'simulation-reachability')) > 0);
      assert.equal(await page.getByTestId('chart-simulation-compare').getAttribute('data-points'), '2');
      await screenshot(page, 'peers-simulations');
      session.assertNoPageErrors();
    });
    await page.close();
  });
});
