#!/usr/bin/env node
// Runs every ONNX file of a bundle under onnxruntime-node on the parity inputs that the Python
// pipeline saved (parity/index.json) and compares with the PyTorch outputs saved beside them.
// Debian's python3-onnx has no runtime or reference evaluator, hence this Node step.
//   node packages/models/scripts/check-onnx.js [bundleDir] [--json]
// Exit code 1 when any output differs by more than the tolerance (default 1e-4).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

const DEFAULT_BUNDLE = path.join(__dirname, '..', 'default');

function readArray(dir, entry) {
  const buf = fs.readFileSync(path.join(dir, entry.file));
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  if (entry.dtype === 'float32') return new Float32Array(bytes);
  if (entry.dtype === 'int32') return new Int32Array(bytes);
  throw new TypeError(`${entry.file}: unsupported dtype ${entry.dtype}`);
}

async function checkComponent(bundle, name, spec, tolerance) {
  const dir = path.join(bundle, 'parity', name);
  const session = await ort.InferenceSession.create(path.join(bundle, spec.model));
  const feeds = {};
  for (const [input, entry] of Object.entries(spec.inputs)) {
    feeds[input] = new ort.Tensor(entry.dtype, readArray(dir, entry), entry.shape);
  }
  const results = await session.run(feeds);
  let maxAbsDiff = 0;
  const outputs = {};
  for (const [output, entry] of Object.entries(spec.outputs)) {
    const want = readArray(dir, entry);
    const got = results[output];
    if (!got) throw new Error(`${name}: output ${output} missing from the session's results`);
    if (got.dims.join('x') !== entry.shape.join('x')) {
      throw new Error(
        `${name}: output ${output} shape ${got.dims.join('x')} expected ${entry.shape.join('x')}`,
      );
    }
    let d = 0;
    const data = got.data;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(Number(data[i]) - want[i]));
    outputs[output] = d;
    maxAbsDiff = Math.max(maxAbsDiff, d);
  }
  await session.release();
  return { maxAbsDiff, outputs, ok: maxAbsDiff <= tolerance };
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const bundle = path.resolve(args.find((a) => !a.startsWith('--')) ?? DEFAULT_BUNDLE);
  const index = JSON.parse(fs.readFileSync(path.join(bundle, 'parity', 'index.json'), 'utf8'));
  const tolerance = index.tolerance ?? 1e-4;
  const components = {};
  let maxAbsDiff = 0;
  for (const [name, spec] of Object.entries(index.components)) {
    components[name] = await checkComponent(bundle, name, spec, tolerance);
    maxAbsDiff = Math.max(maxAbsDiff, components[name].maxAbsDiff);
  }
  const ok = Object.values(components).every((c) => c.ok);
  const report = {
    runtime: `onnxruntime-node ${ort.env.versions.node}`,
    tolerance,
    maxAbsDiff,
    ok,
    components,
  };
  if (json) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    for (const [name, c] of Object.entries(components)) {
      process.stdout.write(
        `${name.padEnd(14)} max abs diff ${c.maxAbsDiff.toExponential(2)} ${c.ok ? 'ok' : 'FAIL'}\n`,
      );
    }
    process.stdout.write(`${ok ? 'all within' : 'NOT all within'} ${tolerance}\n`);
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`check-onnx: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
