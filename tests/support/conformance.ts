import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Every answer of the API the integration suites receive is checked against the server's own
 * OpenAPI document (GET /api/openapi.json), as an integrator's generated client would read it:
 * the status must be declared for the operation, the content type must be one it declares, and
 * a JSON body must validate against the declared schema (JSON Schema 2020-12, with formats).
 * A difference throws in the test that made the request, so the document cannot drift.
 */

type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
type Doc = { paths: Record<string, Record<string, Operation>>; components: unknown };

type Checker = { doc: Doc; routes: { template: string; pattern: RegExp }[]; ajv: Ajv2020 };

const checkers = new Map<string, Promise<Checker>>();
const compiled = new Map<string, ValidateFunction>();

async function checkerFor(base: string): Promise<Checker> {
  let c = checkers.get(base);
  if (!c) {
    c = (async () => {
      const res = await fetch(`${base}/api/openapi.json`);
      if (!res.ok) throw new Error(`conformance: no OpenAPI document at ${base} (${res.status})`);
      const doc = (await res.json()) as Doc;
      // Literal paths before templated ones: /api/records before /api/records/{id}.
      const routes = Object.keys(doc.paths)
        .sort((a, b) => a.split('{').length - b.split('{').length)
        .map((template) => ({
          template,
          pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        }));
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      return { doc, routes, ajv };
    })();
    checkers.set(base, c);
  }
  return c;
}

/** Why an answer does not match the document, or null when it does (or is not an API call). */
export async function nonConformance(
  base: string,
  method: string,
  url: string,
  res: Response,
): Promise<string | null> {
  const path = url.split('?')[0] ?? url;
  if (!path.startsWith('/api/')) return null;
  const { doc, routes, ajv } = await checkerFor(base);
  const route = routes.find((r) => r.pattern.test(path));
  const m = method.toLowerCase();
  const op = route ? doc.paths[route.template]?.[m] : undefined;
  // Paths and methods the server does not have answer with its catch-all 404 and 405.
  if (!route || !op)
    return res.status === 404 || res.status === 405
      ? null
      : `${method} ${path}: not in the document`;
  const where = `${method} ${route.template} → ${res.status}`;
  const declared = op.responses[String(res.status)];
  if (!declared) return `${where}: status not declared`;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const text = m === 'head' ? '' : await res.text();
  if (!declared.content) return text === '' ? null : `${where}: body sent where none is declared`;
  if (m === 'head') return null;
  const media = declared.content[type];
  if (!media)
    return `${where}: content type ${type || '(none)'} not declared (${Object.keys(declared.content).join(', ')})`;
  if (type !== 'application/json' || !media.schema) return null;
  const key = `${route.template} ${m} ${res.status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...media.schema, components: doc.components });
    compiled.set(key, validate);
  }
  if (validate(JSON.parse(text))) return null;
  return `${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`;
}
