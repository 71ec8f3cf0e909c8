/** One filter of a console list: a text box, a date, or a choice with "all" first. */
export type FilterField =
  | { kind: 'text'; name: string; label: string; wide?: boolean }
  | { kind: 'date'; name: string; label: string }
  | {
      kind: 'select';
      name: string;
      label: string;
      all: string;
      options: { value: string; label: string }[];
    };

/** The squad filter every console list has: the squads the user may see, "all" first. */
export function squadFilter(
  label: string,
  all: string,
  squads: readonly { id: string; name: string }[],
): FilterField {
  return {
    kind: 'select',
    name: 'squad',
    label,
    all,
    options: squads.map((s) => ({ value: s.id, label: s.name })),
  };
}
