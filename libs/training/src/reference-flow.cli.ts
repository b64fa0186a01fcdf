/**
 * Prints the reference flow's figures as JSON:
 *   node libs/training/dist/reference-flow.cli.js [--hidden 256] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { runReferenceFlow } from './reference-flow.js';

const { values } = parseArgs({ options: { hidden: { type: 'string' }, seed: { type: 'string' } } });
const figures = await runReferenceFlow({
  hidden: values.hidden === undefined ? undefined : Number(values.hidden),
  seed: values.seed === undefined ? undefined : Number(values.seed),
});
console.log(JSON.stringify(figures, null, 2));
