/** `npm run say -- --clone-voice IN.wav --out-voice OUT.safetensors`: a voice file from a recording, on this machine. */
import path from 'node:path';
import type { EngineClient } from '../client/engineClient';
import { checkTarget, writeWhole } from '../audio/partialFile';

export async function cloneVoiceToFile(client: EngineClient, recording: string, outFile: string, force: boolean): Promise<void> {
  const out = path.resolve(outFile);
  await checkTarget(out, force, 'voice.safetensors'); // before the slow part: a directory or an existing file
  console.error('Make voices only from recordings of people who agreed to it; impersonation is forbidden by the model\'s terms.');
  const voice = await client.call('cloneVoice', {
    recording: path.resolve(recording),
    metadata: { 'pocket_reader.recording': path.basename(recording), 'pocket_reader.created': new Date().toISOString() },
  });
  for (const n of voice.notices) console.error(`note: ${n.message}`);
  await writeWhole(out, voice.safetensors, force).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'EEXIST' ? new Error(`${out} already exists; pass --force to replace it`) : e;
  });
  console.error(`voice made from ${voice.seconds.toFixed(1)} s of ${path.basename(recording)} (${voice.positions} positions); wrote ${out}`);
  console.error(`speak with it: npm run say -- --voice ${JSON.stringify(out)} "Hello."`);
}
