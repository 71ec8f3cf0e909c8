#!/usr/bin/env node
// `node scripts/profile-summary.js <file> [top]`: what a V8 profile of the server says, by package
// or bundle chunk and by function. A .cpuprofile (PB_SERVER_PROFILE) gives self time; a
// .heapprofile (PB_SERVER_HEAP_PROFILE) the bytes each function allocated, freed ones included.
// For `npm run bench` investigations (docs/PERFORMANCE.md).
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/profile-summary.js <file.cpuprofile|file.heapprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));

/** The package, bundle chunk or Node module a frame's code comes from. */
function groupOf(frame) {
  const url = frame.url || '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (!url) return frame.functionName || '(native)';
  return url.replace(/.*\/(build|src)\//, '$1/').replace(/\?.*/, '');
}
const nameOf = (frame) =>
  `${frame.functionName || '(anon)'} ${(frame.url || '').split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;

const groups = new Map();
const functions = new Map();
let total = 0;
const add = (frame, amount) => {
  total += amount;
  groups.set(groupOf(frame), (groups.get(groupOf(frame)) ?? 0) + amount);
  functions.set(nameOf(frame), (functions.get(nameOf(frame)) ?? 0) + amount);
};

let unit;
if (profile.nodes) {
  // CPU profile: each sample's time goes to the function on top of the stack.
  unit = (v) => `${(v / 1000).toFixed(0).padStart(7)} ms`;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++)
    add(byId.get(profile.samples[i]).callFrame, profile.timeDeltas[i] ?? 0);
} else {
  // Sampling heap profile: each node's self size.
  unit = (v) => `${(v / 1e6).toFixed(1).padStart(7)} MB`;
  const walk = (node) => {
    add(node.callFrame, node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
}
const print = (map, n) => {
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${unit(v)} ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`total ${unit(total).trim()}`);
console.log('--- by group');
print(groups, 25);
console.log('--- by function');
print(functions, top);
