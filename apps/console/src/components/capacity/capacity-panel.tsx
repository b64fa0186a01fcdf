'use client';
/** The capacity calculator: the form, then the API's plan (`capacityPlan`) or its error. */
import { useState } from 'react';
import { useClient } from 'urql';
import type { CapacityPlanInput, CapacityPlanQuery } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { CapacityForm } from './capacity-form';
import { CapacityPlanView } from './capacity-plan-view';
import { capacityPlanQuery } from './capacity.operations';

export function CapacityPanel() {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [plan, setPlan] = useState<CapacityPlanQuery['capacityPlan'] | null>(null);
  const [error, setError] = useState<ApiErrorInfo | null>(null);

  const onPlan = async (input: CapacityPlanInput) => {
    setBusy(true);
    setError(null);
    const result = await client.query(capacityPlanQuery, { input }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      setPlan(null);
      setError(result.error ? apiError(result.error) : { message: 'No answer from the API', code: 'NETWORK' });
      return;
    }
    setPlan(result.data.capacityPlan);
  };

  return (
    <>
      <CapacityForm
        busy={busy}
        onPlan={onPlan}
        onInvalid={(e) => {
          setPlan(null);
          setError(e);
        }}
      />
      {error ? <ApiErrorCallout error={error} testId="capacity-error" prefix="Could not plan" /> : null}
      {plan ? <CapacityPlanView plan={plan} /> : null}
    </>
  );
}
