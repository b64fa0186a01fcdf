/** No models yet: how a model gets into the registry. */
import Link from 'next/link';

export function ModelsEmptyState({ namespace }: { namespace: string | null }) {
  if (namespace) {
    return (
      <p className="empty" data-testid="models-empty" data-filtered="true">
        No models in namespace <strong>{namespace}</strong>. <Link className="link" href="/models">Show every namespace</Link>.
      </p>
    );
  }
  return (
    <div className="empty empty--guide" data-testid="models-empty" data-filtered="false">
      <p>
        <strong>No models registered yet.</strong> A model version is an ONNX file plus what the registry reads from it
        (signature, opset, parameters). To add one:
      </p>
      <ol className="steps">
        <li>
          Upload the file: <code className="code">POST /v1/models/artifacts</code> as multipart/form-data with one field{' '}
          <code className="code">file</code>, using an API key with the <code className="code">write</code> scope. The
          answer carries the file&apos;s <code className="code">sha256</code> and its signature.
        </li>
        <li>
          Register it:{' '}
          <code className="code">
            registerModelVersion(input: {'{'} model: &quot;my-model&quot;, sha256: &quot;…&quot;, task:
            &quot;classification&quot;, aliases: [&quot;production&quot;] {'}'})
          </code>{' '}
          — the model is created with its first version.
        </li>
      </ol>
      <pre className="snippet" data-testid="models-empty-curl">
        {`curl -H "Authorization: Bearer $API_KEY" -F file=@model.onnx $API_URL/v1/models/artifacts`}
      </pre>
      <p className="muted">
        For a local demo, <code className="code">npm start</code> seeds a few demo models into the{' '}
        <code className="code">default</code> namespace.
      </p>
    </div>
  );
}
