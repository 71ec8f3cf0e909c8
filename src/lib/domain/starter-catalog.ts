import { parseCatalog, type Catalog } from './catalog';
import data from './data/starter-catalog.json';

/** The Lu'an starter catalog, validated at load: a malformed data file fails loudly here. */
export const starterCatalog: Catalog = parseCatalog(data);
