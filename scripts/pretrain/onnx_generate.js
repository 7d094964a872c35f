#!/usr/bin/env node
// Text-to-image with a bundle's ONNX files under onnxruntime-node, for a job that the Python side
// prepared (token ids, initial noise, DDIM coefficients): used to measure another bundle (the
// previous default) with this run's checker, since Debian has no Python ONNX runtime.
//   node scripts/pretrain/onnx_generate.js <jobDir>
// job.json: { bundle, n, ids: {file, shape}, uncondIds: {file, shape}, noise: {file, shape},
//             steps: [{ t, aT, aPrev }], guidance, scaling }. Writes images.bin (float32 [n, 3, H, W]).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

function readArray(dir, entry, Type) {
  const buf = fs.readFileSync(path.join(dir, entry.file));
  return new Type(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: onnx_generate.js <jobDir>');
  const job = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(job.bundle, 'manifest.json'), 'utf8'));
  const session = (name) =>
    ort.InferenceSession.create(path.join(job.bundle, manifest.components[name].file));
  const [te, unet, dec] = await Promise.all([
    session('text_encoder'),
    session('unet'),
    session('vae_decoder'),
  ]);
  const ids = readArray(dir, job.ids, Int32Array);
  const uncondIds = readArray(dir, job.uncondIds, Int32Array);
  const noise = readArray(dir, job.noise, Float32Array);
  const L = job.ids.shape[1];
  const lat = noise.length / job.n; // 4 * 8 * 8
  const latShape = job.noise.shape.slice(1);
  const uncond = (await te.run({ input_ids: new ort.Tensor('int32', uncondIds, [1, L]) })).last_hidden_state;
  const D = uncond.dims[2];
  const images = [];
  for (let i = 0; i < job.n; i++) {
    const cond = (await te.run({ input_ids: new ort.Tensor('int32', ids.slice(i * L, (i + 1) * L), [1, L]) }))
      .last_hidden_state;
    const ctx = new Float32Array(2 * L * D);
    ctx.set(uncond.data, 0);
    ctx.set(cond.data, L * D);
    let z = noise.slice(i * lat, (i + 1) * lat);
    for (const s of job.steps) {
      const zz = new Float32Array(2 * lat);
      zz.set(z, 0);
      zz.set(z, lat);
      const out = await unet.run({
        sample: new ort.Tensor('float32', zz, [2, ...latShape]),
        timestep: new ort.Tensor('float32', new Float32Array([s.t, s.t]), [2]),
        encoder_hidden_states: new ort.Tensor('float32', ctx, [2, L, D]),
      });
      const e = out.out_sample.data;
      const next = new Float32Array(lat);
      for (let j = 0; j < lat; j++) {
        const eps = e[j] + job.guidance * (e[lat + j] - e[j]); // [uncond; cond] CFG, as diffusers
        const x0 = (z[j] - Math.sqrt(1 - s.aT) * eps) / Math.sqrt(s.aT);
        next[j] = Math.sqrt(s.aPrev) * x0 + Math.sqrt(1 - s.aPrev) * eps; // DDIM, eta 0
      }
      z = next;
    }
    const scaled = z.map((v) => v / job.scaling);
    const img = await dec.run({ latent_sample: new ort.Tensor('float32', scaled, [1, ...latShape]) });
    images.push(img.sample.data);
  }
  const all = new Float32Array(images.reduce((a, x) => a + x.length, 0));
  let off = 0;
  for (const x of images) {
    all.set(x, off);
    off += x.length;
  }
  fs.writeFileSync(path.join(dir, 'images.bin'), Buffer.from(all.buffer));
}

main().catch((err) => {
  process.stderr.write(`onnx_generate.js: ${err.stack || err}\n`);
  process.exit(1);
});
