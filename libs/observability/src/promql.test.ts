import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exposedFamilies, familyOf, metricNamesIn } from './promql.js';

const names = (expr: string) => [...metricNamesIn(expr)].sort();

test('finds the metric of every selector, not functions, labels, keywords or durations', () => {
  assert.deepEqual(names('up{job="aivillage-api"} == 0'), ['up']);
  assert.deepEqual(
    names('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{endpoint="/graphql"}[5m])))'),
    ['http_request_duration_seconds_bucket'],
  );
  assert.deepEqual(
    names('max(p2p_message_success_rate) < 0.95 and on() max(p2p_connection_count) > 0'),
    ['p2p_connection_count', 'p2p_message_success_rate'],
  );
  assert.deepEqual(names('sum(rate(a_total[5m] offset 1h)) / ignoring(code) group_left(x) b_total * 1e3'), ['a_total', 'b_total']);
  assert.deepEqual(names('aivillage:http_requests:rate5m > 0'), ['aivillage:http_requests:rate5m']);
  assert.deepEqual(names('sum(x) without (instance, pod) / 1024/1024'), ['x']);
  assert.deepEqual(names('rate(y{code=~"A|B",path="/a{b}[c]"}[$__rate_interval]) * 100'), ['y']);
  assert.deepEqual(names('sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'), []);
  assert.deepEqual(names('vector(0) or avg_over_time(m[10m])'), ['m']);
});

test('series names map to their family by the exposition’s types', () => {
  const types = exposedFamilies('# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE c_total counter\n# TYPE g_count gauge\n');
  assert.equal(familyOf('h_bucket', types), 'h');
  assert.equal(familyOf('h_sum', types), 'h');
  assert.equal(familyOf('c_total', types), 'c_total');
  assert.equal(familyOf('g_count', types), 'g_count');
  assert.equal(familyOf('g_bucket', types), undefined);
  assert.equal(familyOf('missing', types), undefined);
});
