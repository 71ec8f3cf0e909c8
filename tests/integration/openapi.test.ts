import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server';

/** Every route file under src/routes/api with its exported HTTP methods, as OpenAPI paths. */
function routeMethods(): { path: string; method: string }[] {
  const root = 'src/routes/api';
  const out: { path: string; method: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === '+server.ts') {
        const rel = relative(root, dir);
        if (rel.startsWith('[...')) continue; // the JSON 404 for unknown paths
        const path = '/api/' + rel.replace(/\[(\w+)(=\w+)?\]/g, '{$1}');
        for (const m of readFileSync(full, 'utf8').matchAll(
          /export const (GET|POST|PUT|HEAD|DELETE|PATCH)\b/g,
        )) {
          out.push({ path: path.replace(/\/$/, ''), method: (m[1] ?? '').toLowerCase() });
        }
      }
    }
  };
  walk(root);
  return out;
}

describe('OpenAPI document', () => {
  let server: TestServer;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  };
  beforeAll(async () => {
    server = await startServer();
    doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as typeof doc;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every endpoint the server has', () => {
    const routes = routeMethods();
    expect(routes.length).toBeGreaterThanOrEqual(14);
    const missing = routes
      .filter((r) => !doc.paths[r.path]?.[r.method])
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('documents request bodies from the zod schemas, as named schemas', () => {
    const login = doc.paths['/api/auth/login']?.post as {
      requestBody: { content: Record<string, { schema: { $ref: string } }> };
    };
    const ref = login.requestBody.content['application/json']?.schema.$ref;
    expect(ref).toBe('#/components/schemas/LoginRequest');
    const schema = doc.components.schemas.LoginRequest as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.required).toEqual(['username', 'password']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('gives every operation a tag, and the two officers as an array of exactly two', () => {
    const untagged = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !(op as { tags?: string[] }).tags?.length)
        .map(([m]) => `${m} ${path}`),
    );
    expect(untagged).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('prefixItems');
  });
});
