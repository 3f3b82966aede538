#!/usr/bin/env node
// A `solc`-compatible front for solc-js (npm `solc`), so py-solc-x can drive it with
// `compile_standard(..., solc_binary=<this file>)`. solc-js prints an SMT banner on stdout
// before the JSON, so the CLI cannot be used directly; the library API can.
'use strict';
const fs = require('fs');
const path = require('path');

function loadSolc() {
  const fromEnv = process.env.SOLCJS_MODULE;
  if (fromEnv) return require(fromEnv);
  const projectModule = path.join(__dirname, '..', 'node_modules', 'solc');
  try { return require(projectModule); } catch (e) { return require('solc'); }
}

function main() {
const solc = loadSolc();
const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
  process.exitCode = 0;
  return;
}
if (args.includes('--standard-json')) {
  const bi = args.indexOf('--base-path');
  const base = bi >= 0 ? args[bi + 1] : process.cwd();
  const findImports = (p) => {
    try { return { contents: fs.readFileSync(path.resolve(base, p), 'utf8') }; }
    catch (e) { return { error: 'File not found: ' + p }; }
  };
  // Writes to a pipe are asynchronous: process.exit() here would cut the JSON at 64 KiB.
  process.stdout.write(solc.compile(fs.readFileSync(0, 'utf8'), { import: findImports }));
  process.exitCode = 0;
  return;
}
process.stderr.write("unrecognised option '" + (args[0] || '') + "'\n");
process.exitCode = 1;
}

main();
