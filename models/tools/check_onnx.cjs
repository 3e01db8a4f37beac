#!/usr/bin/env node
// Drives a generated bundle (default models/generated/tiny) with onnxruntime-node exactly like the
// runtime loop does and compares against the PyTorch reference outputs in <dir>/reference.
// Also checks the graph I/O and bundle manifests against ../shared/models/tiny-parity when present.
//   node models/tools/check_onnx.cjs [bundleDir]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const root = path.resolve(__dirname, '..', '..');
const dir = path.resolve(process.argv[2] || path.join(root, 'models', 'generated', 'tiny'));
const parity = path.resolve(root, '..', 'shared', 'models', 'tiny-parity');
const TOL = { eos: 1e-3, latents: 1e-4, pcm: 1e-4 };
let failures = 0;
const fail = (m) => { failures++; console.log('FAIL ' + m); };

function readNpy(file) {
  const b = fs.readFileSync(file);
  const hl = b.readUInt16LE(8);
  const h = b.subarray(10, 10 + hl).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(h)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(h)[1].split(',').filter((s) => s.trim()).map(Number);
  const data = b.subarray(10 + hl);
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const arr = descr === '<f4' ? new Float32Array(buf) : descr === '<i8' ? new BigInt64Array(buf) : null;
  if (!arr) throw new Error('npy dtype ' + descr);
  return { shape, data: arr };
}

function readSafetensors(file) {
  const b = fs.readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  const out = {};
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    const [a, e] = v.data_offsets;
    const s = b.subarray(8 + n + a, 8 + n + e);
    const buf = s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength);
    out[k] = { shape: v.shape, dtype: v.dtype, data: v.dtype === 'F32' ? new Float32Array(buf) : new BigInt64Array(buf) };
  }
  return out;
}

function freshState(manifest) {
  const st = {};
  for (const e of manifest) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    let t;
    if (e.dtype === 'bool') t = new ort.Tensor('bool', new Uint8Array(n).fill(e.fill === 'ones' ? 1 : 0), e.shape);
    else if (e.dtype === 'int64') t = new ort.Tensor('int64', new BigInt64Array(n), e.shape);
    else t = new ort.Tensor('float32', new Float32Array(n).fill(e.fill === 'nan' ? NaN : 0), e.shape);
    st[e.input_name] = t;
  }
  return st;
}

function voiceState(bundle, voice) {
  // Predefined voice: step <- offset, cache padded along dim 2 with NaN, current_end empty.
  const st = freshState(bundle.flow_lm_state_manifest);
  for (const e of bundle.flow_lm_state_manifest) {
    if (e.key === 'current_end') continue;
    const src = voice[`${e.module}/${e.key === 'step' ? 'offset' : e.key}`] || voice[e.path];
    if (e.key === 'step') st[e.input_name] = new ort.Tensor('int64', BigInt64Array.from(src.data), [1]);
    else {
      const [two, b, T, H, D] = src.shape;
      const cap = e.shape[2];
      const dst = new Float32Array(two * b * cap * H * D).fill(NaN);
      for (let i = 0; i < two * b; i++) dst.set(src.data.subarray(i * T * H * D, (i + 1) * T * H * D), i * cap * H * D);
      st[e.input_name] = new ort.Tensor('float32', dst, e.shape);
    }
  }
  return st;
}

const thread = (manifest, out) => Object.fromEntries(manifest.map((e) => [e.input_name, out[e.output_name]]));
const maxAbs = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

function ioSig(sess) {
  // Names + dtypes + ranks, via the graph's own metadata.
  const f = (m) => m.map((x) => `${x.name}:${x.type}:${x.shape ? x.shape.length : '?'}`);
  return { in: f(sess.inputMetadata), out: f(sess.outputMetadata) };
}

async function main() {
  const bundle = JSON.parse(fs.readFileSync(path.join(dir, 'bundle.json'), 'utf8'));
  const opt = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const S = {};
  for (const g of ['text_conditioner', 'flow_lm_main', 'flow_lm_flow', 'mimi_decoder']) S[g] = await ort.InferenceSession.create(path.join(dir, g + '.onnx'), opt);

  if (fs.existsSync(path.join(parity, 'bundle.json'))) {
    const pb = JSON.parse(fs.readFileSync(path.join(parity, 'bundle.json'), 'utf8'));
    const keysA = Object.keys(pb).sort().join(','), keysB = Object.keys(bundle).sort().join(',');
    if (keysA !== keysB) fail(`bundle keys differ: ${keysB} vs ${keysA}`);
    const sameDepth = pb.flow_lm_state_manifest.length === bundle.flow_lm_state_manifest.length &&
      pb.mimi_state_manifest.length === bundle.mimi_state_manifest.length;
    for (const m of ['flow_lm_state_manifest', 'mimi_state_manifest']) {
      // Other layer counts (full size): compare the per-entry pattern with layer indices erased.
      const strip = (x) => (sameDepth
        ? x.map((e) => JSON.stringify([e.index, e.input_name, e.output_name, e.module, e.key, e.path, e.dtype, e.fill, e.shape.length]))
        : [...new Set(x.map((e) => JSON.stringify([e.module.replace(/layers\.\d+/, 'layers.N'), e.key, e.dtype, e.fill, e.shape.length])))].sort());
      const a = strip(pb[m]), b = strip(bundle[m]);
      if (a.join() !== b.join()) fail(`${m} structure differs from tiny-parity`);
      const sameShapes = JSON.stringify(pb[m].map((e) => e.shape)) === JSON.stringify(bundle[m].map((e) => e.shape));
      console.log(`${m}: ${b.length} entries, structure = tiny-parity, shapes ${sameShapes ? 'identical' : 'differ (model dims)'}`);
    }
    for (const g of Object.keys(S)) {
      const ps = await ort.InferenceSession.create(path.join(parity, g + '.onnx'), opt);
      const sig = (x) => (sameDepth ? x : { in: [...new Set(x.in.map((v) => v.replace(/_\d+:/, '_N:')))].sort(), out: [...new Set(x.out.map((v) => v.replace(/_\d+:/, '_N:')))].sort() });
      const a = JSON.stringify(sig(ioSig(ps))), b = JSON.stringify(sig(ioSig(S[g])));
      if (a !== b) fail(`${g} I/O differs:\n  ours   ${b}\n  parity ${a}`);
      else console.log(`${g}: I/O names/dtypes/ranks = tiny-parity (${S[g].inputNames.length} in, ${S[g].outputNames.length} out)`);
    }
  } else console.log('(tiny-parity absent: I/O comparison skipped)');

  const voiceFile = path.join(dir, 'voices', bundle.predefined_voices[0] + '.safetensors');
  const voice = readSafetensors(voiceFile);
  const refRoot = path.join(dir, 'reference');
  const worst = { eos: 0, latents: 0, pcm: 0 };
  const D = bundle.conditioning_dim, L = bundle.latent_dim;
  const names = fs.existsSync(refRoot) ? fs.readdirSync(refRoot).filter((n) => fs.existsSync(path.join(refRoot, n, 'info.json'))).sort() : [];
  for (const name of names) {
    const info = JSON.parse(fs.readFileSync(path.join(refRoot, name, 'info.json'), 'utf8'));
    const nsteps = info.params.lsd_decode_steps;
    const pcm = [];
    let frames = 0;
    for (const [ci, ch] of info.chunks.entries()) {
      const ids = BigInt64Array.from(ch.token_ids.map(BigInt));
      const emb = (await S.text_conditioner.run({ token_ids: new ort.Tensor('int64', ids, [1, ids.length]) })).embeddings;
      let st = voiceState(bundle, voice);
      let o = await S.flow_lm_main.run({ sequence: new ort.Tensor('float32', new Float32Array(0), [1, 0, L]), text_embeddings: emb, ...st });
      st = thread(bundle.flow_lm_state_manifest, o);
      let x = new Float32Array(L).fill(NaN);
      let eosStep = null;
      const eos = [], lats = [];
      let mst = freshState(bundle.mimi_state_manifest);
      for (let step = 0; step < ch.max_gen_len; step++) {
        o = await S.flow_lm_main.run({ sequence: new ort.Tensor('float32', x, [1, 1, L]), text_embeddings: new ort.Tensor('float32', new Float32Array(0), [1, 0, D]), ...st });
        st = thread(bundle.flow_lm_state_manifest, o);
        const e = o.eos_logit.data[0];
        eos.push(e);
        let lat = new Float32Array(L); // temperature 0
        for (let i = 0; i < nsteps; i++) {
          const s = i / nsteps, t = (i + 1) / nsteps;
          const f = await S.flow_lm_flow.run({ c: o.conditioning, s: new ort.Tensor('float32', Float32Array.of(s), [1, 1]), t: new ort.Tensor('float32', Float32Array.of(t), [1, 1]), x: new ort.Tensor('float32', lat, [1, L]) });
          lat = lat.map((v, j) => v + f.flow_dir.data[j] / nsteps);
        }
        if (e > -4.0 && eosStep === null) eosStep = step;
        if (eosStep !== null && step >= eosStep + ch.frames_after_eos) break;
        lats.push(lat);
        const m = await S.mimi_decoder.run({ latent: new ort.Tensor('float32', lat, [1, 1, L]), ...mst });
        mst = thread(bundle.mimi_state_manifest, m);
        pcm.push(m.audio_frame.data);
        x = lat;
      }
      if (lats.length !== ch.frames_emitted || eosStep !== ch.first_eos_step) fail(`${name} chunk${ci}: frames ${lats.length}/${ch.frames_emitted} eos ${eosStep}/${ch.first_eos_step}`);
      const rEos = readNpy(path.join(refRoot, name, `chunk${ci}_eos_logits.npy`)).data;
      const rLat = readNpy(path.join(refRoot, name, `chunk${ci}_latents.npy`)).data;
      worst.eos = Math.max(worst.eos, maxAbs(Float32Array.from(eos), rEos));
      const flat = new Float32Array(lats.length * L);
      lats.forEach((l, i) => flat.set(l, i * L));
      if (flat.length === rLat.length) worst.latents = Math.max(worst.latents, maxAbs(flat, rLat));
      frames += lats.length;
      if (ci === 0 && lats.length >= 3) {
        // Multi-frame decoder call (dynamic F) must equal frame-by-frame decoding.
        const m = await S.mimi_decoder.run({ latent: new ort.Tensor('float32', flat.subarray(0, 3 * L), [1, 3, L]), ...freshState(bundle.mimi_state_manifest) });
        const ref = new Float32Array(3 * bundle.samples_per_frame);
        pcm.slice(pcm.length - lats.length, pcm.length - lats.length + 3).forEach((p, i) => ref.set(p, i * bundle.samples_per_frame));
        const d = maxAbs(m.audio_frame.data, ref);
        if (!(d < 1e-4)) fail(`${name}: 3-frame mimi call differs from 1-frame calls by ${d}`);
      }
    }
    const all = new Float32Array(pcm.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of pcm) { all.set(p, off); off += p.length; }
    const rPcm = readNpy(path.join(refRoot, name, 'pcm.npy')).data;
    if (frames !== info.total_frames || all.length !== rPcm.length) fail(`${name}: frames ${frames}/${info.total_frames}`);
    else worst.pcm = Math.max(worst.pcm, maxAbs(all, rPcm));
    console.log(`${name}: ${info.chunks.length} chunks, ${frames} frames, lsd ${nsteps}`);
  }
  console.log(`max diffs onnxruntime vs PyTorch reference: eos ${worst.eos.toExponential(2)}, latents ${worst.latents.toExponential(2)}, pcm ${worst.pcm.toExponential(2)}`);
  for (const k of Object.keys(TOL)) if (!(worst[k] <= TOL[k])) fail(`${k} diff ${worst[k]} > ${TOL[k]}`);
  console.log(failures ? `FAIL (${failures})` : 'PASS');
  process.exit(failures ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(2); });
