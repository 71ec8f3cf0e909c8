import type { ParamMatcher } from '@sveltejs/kit';
import { UUID } from '$lib/domain/uuid';

/** A record, document or quarantine id (the domain's one UUID rule): anything else is no page. */
export const match = ((param: string) => UUID.test(param)) satisfies ParamMatcher;
