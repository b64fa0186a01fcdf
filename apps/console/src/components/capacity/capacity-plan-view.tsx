/**
 * A capacity plan: the figures as tiles, what needs a decision, then how each figure was
 * computed — its formula, where the formula comes from, and every input with its source
 * (a benchmark, the guide, your input, this deployment).
 */
import type { CapacityFigureFieldsFragment, CapacityPlanQuery } from '@/gql/graphql';
import { Section } from '@/components/ui/section';
import { StatTile } from '@/components/ui/stat-tile';

type Plan = CapacityPlanQuery['capacityPlan'];

/** Whole numbers as they are (1,388 instances, not 1388.0), fractions to two places. */
function formatFigure(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function CapacityPlanView({ plan }: { plan: Plan }) {
  const figures = [
    plan.apiInstances,
    plan.hpaReplicas,
    plan.databaseMemoryGb,
    plan.databaseCpuCores,
    plan.databaseStorageGb,
    plan.databaseReadReplicas,
    plan.inferenceWorkers,
    plan.ingestionWorkers,
    plan.databaseConnections,
  ].filter((f): f is CapacityFigureFieldsFragment => f != null);
  return (
    <div data-testid="capacity-result">
      <Section testId="capacity-figures" title="Plan" sub="What the target load needs, by the guide's Scaling Formulas.">
        <div className="grid grid--tiles">
          {figures.map((f) => (
            <StatTile key={f.key} testId={`capacity-figure-${f.key}`} label={f.label} value={f.value} display={formatFigure(f.value)} unit={f.unit} />
          ))}
        </div>
        {plan.warnings.length ? (
          <ul className="callout callout--warn capacity-warnings" data-testid="capacity-warnings" data-count={plan.warnings.length}>
            {plan.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section testId="capacity-formulas" title="How each figure was computed" sub="The formula in its inputs' names, where it comes from, and where every input's value comes from.">
        <ol className="capacity-figures">
          {figures.map((f) => (
            <li key={f.key} className="card capacity-figure" data-testid="capacity-formula-row" data-key={f.key}>
              <div className="capacity-figure__head">
                <strong>{f.label}</strong>
                <span className="mono">
                  {formatFigure(f.value)} {f.unit}
                </span>
              </div>
              <code className="code" data-testid="capacity-formula">
                {f.formula}
              </code>
              <div className="muted small" data-testid="capacity-formula-source">
                {f.formulaSource}
              </div>
              <table className="capacity-figure__inputs">
                <tbody>
                  {f.inputs.map((i) => (
                    <tr key={i.name} data-testid="capacity-input" data-name={i.name} data-value={i.value}>
                      <td className="mono">{i.name}</td>
                      <td className="mono capacity-figure__value">
                        {formatFigure(i.value)} {i.unit}
                      </td>
                      <td className="muted small" data-testid="capacity-input-source">
                        {i.source}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}
