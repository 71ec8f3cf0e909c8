// Provisioning of what the test suites need, shared by `npm test` and `.ci/run`: Debian's Chromium,
// poppler-utils and the WenQuanYi font, and a running PostgreSQL with a test role and database.
// Only acts where it can (root on Debian); otherwise it reports what is missing and why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chromiumPath } from './chromium.js';

export const PG_ROLE = 'patrolbook';
export const PG_PASSWORD = 'patrolbook';
export const PG_DB = 'patrolbook_test';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    ...options,
  });
}

function aptInstall(packages, log) {
  if (!isRoot() || !has('apt-get')) return false;
  log(`installing from Debian: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      env,
      stdio: 'inherit',
    });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
    r = install();
  }
  return r.status === 0;
}

/** Tesseract with its simplified-Chinese model (reads the printer test's paper back). */
export function hasChineseOcr() {
  if (!has('tesseract')) return false;
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  return r.status === 0 && /^chi_sim$/m.test(`${r.stdout}${r.stderr}`);
}

/**
 * Chromium, pdftotext/pdffonts and the CJK font the PDF tests compare against, and tesseract
 * with simplified Chinese for the Bluetooth printing test.
 */
export function ensureBrowserTools(log = console.log) {
  const missing = [];
  if (!chromiumPath()) missing.push('chromium');
  if (!has('pdftotext') || !has('pdffonts')) missing.push('poppler-utils');
  if (!existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'))
    missing.push('fonts-wqy-microhei');
  if (!hasChineseOcr()) missing.push('tesseract-ocr', 'tesseract-ocr-chi-sim');
  if (missing.length > 0) aptInstall(missing, log);
  return {
    chromium: chromiumPath(),
    poppler: has('pdftotext') && has('pdffonts'),
    font: existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
    ocr: hasChineseOcr(),
  };
}

function clusters() {
  if (!has('pg_lsclusters')) return [];
  return run('pg_lsclusters', ['--no-header'])
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [version, name, port, status] = line.trim().split(/\s+/);
      return { version, name, port: Number(port), status };
    });
}

function psql(sql) {
  return run('su', [
    'postgres',
    '-c',
    `psql -v ON_ERROR_STOP=1 -tAc ${JSON.stringify(sql)}`,
  ]).trim();
}

/**
 * Starts the local PostgreSQL cluster and creates the test role (with CREATEDB, so each test
 * file gets a database of its own) and database. Returns a TEST_DATABASE_URL or a reason.
 */
export function ensurePostgres(log = console.log) {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL };
  if (!isRoot()) return { reason: 'not root: cannot start PostgreSQL; set TEST_DATABASE_URL' };
  if (clusters().length === 0) {
    const installed =
      existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;
    if (!installed && !aptInstall(['postgresql'], log)) {
      return { reason: 'PostgreSQL is not installed and apt-get could not install it' };
    }
    if (clusters().length === 0 && has('pg_createcluster')) {
      const version = readdirSync('/usr/lib/postgresql').sort().at(-1);
      run('pg_createcluster', [version, 'main']);
    }
  }
  const cluster = clusters()[0];
  if (!cluster) return { reason: 'no PostgreSQL cluster found' };
  if (cluster.status !== 'online') {
    log(`starting PostgreSQL ${cluster.version}/${cluster.name}`);
    run('pg_ctlcluster', [cluster.version, cluster.name, 'start']);
  }
  const hasRole = psql(`select 1 from pg_roles where rolname='${PG_ROLE}'`) === '1';
  if (!hasRole) psql(`create role ${PG_ROLE} login createdb password '${PG_PASSWORD}'`);
  else psql(`alter role ${PG_ROLE} login createdb password '${PG_PASSWORD}'`);
  const hasDb = psql(`select 1 from pg_database where datname='${PG_DB}'`) === '1';
  if (!hasDb) psql(`create database ${PG_DB} owner ${PG_ROLE}`);
  return { url: `postgres://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${cluster.port}/${PG_DB}` };
}
