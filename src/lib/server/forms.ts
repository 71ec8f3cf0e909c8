import type { z } from 'zod';

/** A text field of a submitted form ('' when absent or a file). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

/** Every text value of a repeated field (multi-selects). */
export function fields(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === 'string');
}

/**
 * A submitted form read as the object a schema describes: each key of the schema's shape from the
 * field of that name (text; '' when absent), the keys in `many` as every value of a repeated
 * field, then parsed by the schema.
 */
export function parseForm<S extends z.ZodObject>(
  schema: S,
  form: FormData,
  many: readonly (keyof z.infer<S> & string)[] = [],
): z.ZodSafeParseResult<z.infer<S>> {
  const raw = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [
      k,
      (many as readonly string[]).includes(k) ? fields(form, k) : field(form, k),
    ]),
  );
  return schema.safeParse(raw);
}
