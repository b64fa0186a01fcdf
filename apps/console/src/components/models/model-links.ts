/** Shareable URLs of the Models page: the list (optionally one namespace) and one model. */

/** `/models`, `/models?namespace=research` */
export function modelsHref(namespace?: string | null): string {
  return namespace ? `/models?${new URLSearchParams({ namespace })}` : '/models';
}

/** `/models?model=digits&namespace=default` */
export function modelHref(name: string, namespace: string): string {
  return `/models?${new URLSearchParams({ model: name, namespace })}`;
}
