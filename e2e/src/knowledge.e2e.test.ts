/**
 * The Knowledge page in a real browser against a real, isolated platform (API, one worker
 * process ingesting, Postgres schema, Redis prefix), with real text: George Washington's 1790
 * State of the Union address (`loadSotu`). KNOWLEDGE_MAX_DOCUMENT_BYTES is lowered to 20,000 so
 * two later addresses make a file over the limit. Then:
 *  - the address pasted into the form is listed and followed, without a reload, to READY with
 *    the chunk, entity and relation counts the API reports;
 *  - a HYBRID search shows the fused score and each leg's rank and score (the fused score is
 *    Σ 1/(60 + rank) over the legs shown); a topK of 101 shows the API's BAD_USER_INPUT;
 *  - the graph explorer, opened on "Congress" picked from the suggestions, draws the entities
 *    and relations around it in the SVG; clicking an entity re-centres the graph on it; the
 *    path finder's path back to Congress is highlighted; an unknown entity shows NOT_FOUND;
 *  - a file over the limit uploaded through the file input shows PAYLOAD_TOO_LARGE with the
 *    limit; deleting the address (confirmed) empties the list, and search finds nothing.
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadSotu } from '@aivillage/knowledge';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';
import { poll } from './support/poll.js';

const MAX_BYTES = 20_000;
const [address, ...later] = loadSotu({ years: [1790, 1791, 1792] });
const DOCUMENTS = `query { documents(first: 10) { nodes { id title status chunkCount entityCount relationCount } } }`;

describe('knowledge page', () => {
  const session = setUpConsoleSession({ stack: { env: { KNOWLEDGE_MAX_DOCUMENT_BYTES: String(MAX_BYTES) } } });
  let page: Page;
  let documentId = '';

  const row = () => page.locator(`[data-testid="knowledge-document"][data-title="${address.title}"]`);
  const svg = () => page.getByTestId('knowledge-graph-svg');
  const search = async (query: string, topK: string) => {
    await page.getByTestId('knowledge-search-query').fill(query);
    await page.getByTestId('knowledge-search-mode').selectOption('HYBRID');
    await page.getByTestId('knowledge-search-topk').fill(topK);
    await page.getByTestId('knowledge-search-submit').click();
  };

  test('a pasted address is listed and followed live to READY with its counts', { timeout: 30_000 }, async () => {
    assert.ok(address.text.length < MAX_BYTES && later[0].text.length + later[1].text.length > MAX_BYTES, 'the texts fit the test');
    page = await session.openAsAdmin('/knowledge', 'page-knowledge');
    await withScreenshotOnFailure(page, 'knowledge-ingest', async () => {
      assert.equal(await page.getByTestId('nav-knowledge').getAttribute('aria-current'), 'page');
      await page.getByTestId('knowledge-documents-empty').waitFor();
      await page.locator('[data-testid="knowledge-ingest-form"][data-ready="true"]').waitFor();
      await page.getByTestId('knowledge-ingest-title').fill(address.title);
      await page.getByTestId('knowledge-ingest-source').fill(address.source);
      await page.getByTestId('knowledge-ingest-text').fill(address.text);
      assert.equal(Number(await attr(page, 'knowledge-ingest-bytes')), Buffer.byteLength(address.text));
      await page.getByTestId('knowledge-ingest-submit').click();
      const done = page.locator('[data-testid="knowledge-ingest-done"][data-existing="false"]');
      await done.waitFor();
      documentId = (await done.getAttribute('data-id')) ?? '';
      assert.ok(documentId);

      // Listed at once, then READY without a reload (ingestionProgress, and the list re-read).
      await row().waitFor();
      assert.equal(await row().getAttribute('data-id'), documentId);
      await page.locator(`[data-testid="knowledge-document"][data-id="${documentId}"][data-status="READY"]`).waitFor({ timeout: 20_000 });
      const api = (await session.graphql(DOCUMENTS)).body.data?.documents.nodes.find((d: { id: string }) => d.id === documentId);
      assert.equal(api.status, 'READY');
      for (const [testId, count] of [
        ['knowledge-document-chunks', api.chunkCount],
        ['knowledge-document-entities', api.entityCount],
        ['knowledge-document-relations', api.relationCount],
      ] as const) {
        assert.ok(count > 0, `${testId}: the address has some`);
        assert.equal(Number(await attr(row(), testId)), count, testId);
      }
    });
  });

  test('HYBRID search shows the fused score and every leg’s rank and score; topK 101 is BAD_USER_INPUT', { timeout: 20_000 }, async () => {
    await withScreenshotOnFailure(page, 'knowledge-search', async () => {
      await search('public credit', '5');
      const results = page.locator('[data-testid="knowledge-search-results"][data-mode="HYBRID"]');
      await results.waitFor();
      const hits = page.getByTestId('knowledge-hit');
      assert.ok((await hits.count()) >= 1, 'some hits');
      const top = hits.first();
      assert.equal(await top.getByTestId('knowledge-hit-document').textContent(), address.title);
      assert.match((await top.getByTestId('knowledge-hit-text').textContent()) ?? '', /credit/i);
      // The chunk saying "public credit" is found by the vector and the keyword legs.
      let fused = 0;
      let legsShown = 0;
      for (const leg of ['vector', 'keyword', 'graph']) {
        const cell = top.getByTestId(`knowledge-hit-${leg}`);
        const rank = await cell.getAttribute('data-rank');
        if (!rank) {
          assert.equal((await cell.textContent())?.trim(), '—', `${leg}: not found, shown as —`);
          continue;
        }
        legsShown += 1;
        assert.ok(Number(await cell.getAttribute('data-score')) > 0, `${leg} score`);
        assert.match((await cell.textContent()) ?? '', new RegExp(`#${rank}\\b`), `${leg} rank shown`);
        fused += 1 / (60 + Number(rank));
      }
      assert.ok(legsShown >= 2, 'at least two legs found the top hit');
      assert.notEqual(await top.getByTestId('knowledge-hit-vector').getAttribute('data-rank'), '');
      assert.notEqual(await top.getByTestId('knowledge-hit-keyword').getAttribute('data-rank'), '');
      const score = Number(await top.getAttribute('data-score'));
      assert.ok(Math.abs(score - fused) < 1e-9, `fused score ${score} = Σ 1/(60 + rank) = ${fused}`);
      await screenshot(page, 'knowledge-search');

      await search('public credit', '101');
      const error = page.getByTestId('knowledge-search-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'BAD_USER_INPUT');
      assert.match((await page.getByTestId('knowledge-search-error-message').textContent()) ?? '', /topK.*100/);
    });
  });

  test('the graph explorer draws Congress’s neighbourhood, re-centres on a clicked entity and highlights a path back', { timeout: 30_000 }, async () => {
    await withScreenshotOnFailure(page, 'knowledge-graph', async () => {
      await page.getByTestId('knowledge-graph-entity').fill('Congr');
      const suggestion = page.locator('[data-testid="knowledge-graph-entity-suggestion"][data-name="Congress"]');
      const congressId = await suggestion.getAttribute('data-id');
      await suggestion.click();
      await page.locator('[data-testid="knowledge-graph-figure"][data-entity="Congress"]').waitFor();
      const centreId = await svg().getAttribute('data-centre');
      assert.equal(centreId, congressId);
      assert.equal(new URL(page.url()).searchParams.get('entity'), centreId);
      const nodes = Number(await svg().getAttribute('data-nodes'));
      assert.ok(nodes > 1, `${nodes} entities drawn`);
      assert.equal(await svg().getByTestId('knowledge-graph-svg-node').count(), nodes);
      assert.equal(Number(await svg().getAttribute('data-edges')), await svg().getByTestId('knowledge-graph-svg-edge').count());
      assert.ok((await svg().getByTestId('knowledge-graph-svg-edge').count()) >= nodes - 1, 'every entity joined to its parent');
      const centre = svg().locator('[data-testid="knowledge-graph-svg-node"][data-centre="true"]');
      assert.equal(await centre.getAttribute('data-label'), 'Congress');
      assert.equal(await centre.getAttribute('data-type'), 'ORG');
      assert.ok(await svg().locator('[data-testid="knowledge-graph-svg-edge"]').first().getAttribute('data-kind'));
      await poll('the layout settles', async () => (await svg().getAttribute('data-state')) === 'stable', { timeoutMs: 10_000 });
      await screenshot(page, 'knowledge-graph');

      // Re-centre on a neighbour by clicking it.
      const neighbour = svg().locator('[data-testid="knowledge-graph-svg-node"][data-centre="false"]').first();
      const neighbourId = (await neighbour.getAttribute('data-id'))!;
      const neighbourName = (await neighbour.getAttribute('data-label'))!;
      await neighbour.locator('circle.force-graph__body').click({ force: true });
      await page.locator(`[data-testid="knowledge-graph-svg"][data-centre="${neighbourId}"]`).waitFor();
      assert.equal(await page.getByTestId('knowledge-graph-entity').inputValue(), neighbourName);

      // The path finder: from the centre (the default) back to Congress.
      await page.getByTestId('knowledge-paths-to').fill('Congress');
      await page.locator('[data-testid="knowledge-paths-to-suggestion"][data-name="Congress"]').click();
      await page.getByTestId('knowledge-paths-find').click();
      const result = page.getByTestId('knowledge-paths-result');
      await result.waitFor();
      const hops = Number(await result.getAttribute('data-hops'));
      assert.ok(hops >= 1, `${hops} hops`);
      assert.match((await page.getByTestId('knowledge-path').first().getAttribute('data-entities')) ?? '', new RegExp(`^${neighbourName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|.*Congress$`));
      await poll(
        'the path highlighted',
        async () => (await svg().locator('[data-testid="knowledge-graph-svg-edge"][data-on-path="true"]').count()) >= hops,
        { timeoutMs: 5000 },
      );
      assert.ok((await svg().locator('[data-testid="knowledge-graph-svg-node"][data-on-path="true"]').count()) >= hops + 1);

      // An entity nobody mentioned.
      await page.getByTestId('knowledge-graph-entity').fill('Interstate Highway System');
      await page.getByTestId('knowledge-graph-explore').click();
      const error = page.getByTestId('knowledge-graph-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'NOT_FOUND');
      await screenshot(page, 'knowledge');
    });
  });

  test('a file over the limit is refused with PAYLOAD_TOO_LARGE; the address is deleted (confirmed) and no longer found', { timeout: 30_000 }, async () => {
    await withScreenshotOnFailure(page, 'knowledge-delete', async () => {
      const text = later.map((d) => d.text).join('\n\n');
      await page.getByTestId('knowledge-ingest-file').setInputFiles({ name: 'sotu-1791-1792.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
      await page.locator('[data-testid="knowledge-ingest-file-state"][data-ready="true"]').waitFor();
      assert.equal(await page.getByTestId('knowledge-ingest-title').inputValue(), 'sotu-1791-1792');
      await page.getByTestId('knowledge-ingest-submit').click();
      const error = page.getByTestId('knowledge-ingest-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'PAYLOAD_TOO_LARGE');
      assert.match((await page.getByTestId('knowledge-ingest-error-message').textContent()) ?? '', new RegExp(`${MAX_BYTES}`));
      assert.equal(await page.getByTestId('knowledge-document').count(), 1, 'nothing was added');

      await row().getByTestId('knowledge-document-delete').click();
      await page.getByTestId('knowledge-delete-dialog').waitFor();
      await page.getByTestId('knowledge-delete-confirm').click();
      await page.getByTestId('knowledge-documents-empty').waitFor();
      assert.equal((await session.graphql(DOCUMENTS)).body.data?.documents.nodes.length, 0);
      await search('public credit', '5');
      await page.getByTestId('knowledge-search-empty').waitFor();
      session.assertNoPageErrors();
    });
  });
});
