/**
 * The Vega-Lite colour encoding shared by the ROOT and ASP figures: only the policies present,
 * in the given order, each with its fixed colour, so a policy keeps its colour across charts.
 */
export function policyColour(
  order: readonly string[],
  labels: Readonly<Record<string, string>>,
  palette: readonly string[],
  rows: readonly { policy: string }[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const present = order.filter((p) => rows.some((r) => r.policy === p));
  return {
    field: 'label',
    type: 'nominal',
    title: 'policy',
    sort: present.map((p) => labels[p]),
    scale: {
      domain: present.map((p) => labels[p]),
      range: present.map((p) => palette[order.indexOf(p)]),
    },
    ...extra,
  };
}
