#!/usr/bin/env node
// Native-style `solc` CLI backed by the solc-js library (npm `solc`).
//
// Offline machines cannot download native solc, but py-solc-x (ape-solidity), ezkl (svm) and forge all
// expect a binary that answers `--version` and `--standard-json`. This adapter speaks exactly that subset.
// It calls the solc-js *library* in-process: the `solcjs` command prints a banner on stdout and truncates
// piped output at 128 KiB, so it cannot be wrapped.
//
// Supported:  solc --version | --help
//             solc --standard-json [--base-path P] [--include-path P]... [--allow-paths P,P] [-] [file.json]
//             solc --combined-json abi,bin,... [remapping=path]... [--optimize] [-|file.sol...]  (py-solc-x's
//             compile_source path: Ape's `compilers.compile_source`)
// Imports are resolved like native solc: relative to the base path, then each include path, then as given.

import { createRequire } from 'node:module';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { resolve, isAbsolute, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// SOLCJS_MODULE lets a registration point at a specific solc-js install; default: the project's node_modules.
const solcModule = process.env.SOLCJS_MODULE || join(here, '..', '..', 'node_modules', 'solc');
const require = createRequire(import.meta.url);

function fail(message, code = 1) {
  process.stderr.write(`solc (solc-js adapter): ${message}\n`);
  process.exit(code);
}

function loadSolc() {
  try {
    return require(solcModule);
  } catch (err) {
    fail(`cannot load solc-js from ${solcModule} (run \`make setup\`): ${err.message}`);
  }
}

function parseArgs(argv) {
  const opts = { version: false, help: false, standardJson: false, combinedJson: null, optimize: false,
    basePath: null, includePaths: [], allowPaths: [], remappings: [], inputFiles: [] };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) [arg, inline] = [arg.slice(0, eq), arg.slice(eq + 1)];
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) fail(`${arg} needs a value`, 2);
      return argv[++i];
    };
    switch (arg) {
      case '--version': opts.version = true; break;
      case '--help': opts.help = true; break;
      case '--standard-json': opts.standardJson = true; break;
      case '--combined-json': opts.combinedJson = value().split(',').filter(Boolean); break;
      case '--optimize': opts.optimize = true; break;
      case '--base-path': opts.basePath = value(); break;
      case '--include-path': opts.includePaths.push(value()); break;
      case '--allow-paths': opts.allowPaths.push(...value().split(',').filter(Boolean)); break;
      case '-': break; // stdin, the default
      default:
        if (arg.startsWith('-')) fail(`unsupported option ${arg}: see the header of this file for what this adapter implements`, 2);
        if (arg.includes('=')) opts.remappings.push(arg);
        else opts.inputFiles.push(arg);
    }
  }
  return opts;
}

function makeImportCallback(opts) {
  const roots = [];
  if (opts.basePath) roots.push(resolve(opts.basePath));
  for (const p of opts.includePaths) roots.push(resolve(p));
  roots.push(process.cwd());
  return (path) => {
    const candidates = isAbsolute(path) ? [path] : roots.map((r) => join(r, path));
    for (const candidate of candidates) {
      if (existsSync(candidate) && statSync(candidate).isFile()) {
        return { contents: readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${path} (searched ${candidates.join(', ')})` };
  };
}

function readInput(opts) {
  try {
    return opts.inputFiles.length ? readFileSync(opts.inputFiles[0], 'utf8') : readFileSync(0, 'utf8');
  } catch (err) {
    fail(`cannot read standard JSON input: ${err.message}`);
  }
}

// --combined-json field -> standard-json output selection and how to read it back.
const COMBINED = {
  abi: ['abi', (c) => c.abi],
  bin: ['evm.bytecode.object', (c) => c.evm.bytecode.object],
  'bin-runtime': ['evm.deployedBytecode.object', (c) => c.evm.deployedBytecode.object],
  'srcmap': ['evm.bytecode.sourceMap', (c) => c.evm.bytecode.sourceMap],
  'srcmap-runtime': ['evm.deployedBytecode.sourceMap', (c) => c.evm.deployedBytecode.sourceMap],
  hashes: ['evm.methodIdentifiers', (c) => c.evm.methodIdentifiers],
  devdoc: ['devdoc', (c) => c.devdoc],
  userdoc: ['userdoc', (c) => c.userdoc],
  metadata: ['metadata', (c) => c.metadata],
  opcodes: ['evm.bytecode.opcodes', (c) => c.evm.bytecode.opcodes],
};

function combinedJson(opts, solc) {
  const names = opts.inputFiles.length ? opts.inputFiles : ['<stdin>'];
  const sources = {};
  for (const name of names) sources[name] = { content: name === '<stdin>' ? readFileSync(0, 'utf8') : readFileSync(name, 'utf8') };
  const wanted = opts.combinedJson.filter((f) => f in COMBINED || f === 'ast');
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      remappings: opts.remappings,
      optimizer: { enabled: opts.optimize, runs: 200 },
      outputSelection: { '*': { '*': wanted.filter((f) => f !== 'ast').map((f) => COMBINED[f][0]), '': wanted.includes('ast') ? ['ast'] : [] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: makeImportCallback(opts) }));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  for (const e of out.errors || []) process.stderr.write(e.formattedMessage || e.message);
  if (errors.length) process.exit(1);
  const result = { contracts: {}, sources: {}, version: solc.version().replace('.Emscripten.clang', '.Linux.g++') };
  for (const [file, contracts] of Object.entries(out.contracts || {})) {
    for (const [name, c] of Object.entries(contracts)) {
      const entry = {};
      for (const f of wanted) if (f !== 'ast') entry[f] = COMBINED[f][1](c);
      result.contracts[`${file}:${name}`] = entry;
    }
  }
  for (const [file, src] of Object.entries(out.sources || {})) result.sources[file] = wanted.includes('ast') ? { AST: src.ast } : {};
  return JSON.stringify(result);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  const solc = loadSolc();
  // Native format; py-solc-x and svm parse the `Version:` line.
  const version = solc.version().replace('.Emscripten.clang', '.Linux.g++');
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}
if (opts.help) {
  // py-solc-x reads the supported --combined-json fields from this line.
  process.stdout.write(`solc (solc-js adapter)\n  --combined-json ${[...Object.keys(COMBINED), 'ast'].join(',')}\n`);
  process.exit(0);
}
if (opts.combinedJson) {
  process.stdout.write(combinedJson(opts, loadSolc()));
  process.exit(0);
}
if (!opts.standardJson) fail('supported: --version, --help, --standard-json, --combined-json', 2);

const input = readInput(opts);
try {
  JSON.parse(input);
} catch (err) {
  // Native solc answers malformed input with a JSON error on stdout and exit 0; mirror it.
  process.stdout.write(JSON.stringify({ errors: [{ component: 'general', formattedMessage: `Invalid JSON input: ${err.message}`, message: `Invalid JSON input: ${err.message}`, severity: 'error', type: 'JSONError' }] }));
  process.exit(0);
}
const solc = loadSolc();
const output = solc.compile(input, { import: makeImportCallback(opts) });
process.stdout.write(output);
