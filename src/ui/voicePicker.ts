/** Quick pick of the model's voices (with their licences), "Your voices", and "Voice file…" for a `.safetensors` voice state. */
import path from 'node:path';
import * as vscode from 'vscode';
import { onnxManifest } from '../store/modelStore';
import { readConfig, updateGlobal } from './config';
import type { Services } from './services';
import { voiceLabel } from './statusBar';
import { yourVoiceItems, type YourVoiceItem } from './yourVoices';

interface VoiceItem extends YourVoiceItem {
  browse?: boolean;
}

/** Voices of the bundled manifest: name → licence. */
export function manifestVoices(): Array<{ name: string; license: string }> {
  return onnxManifest.files
    .filter((f) => f.group.startsWith('voice:'))
    .map((f) => ({ name: f.group.slice('voice:'.length), license: f.license ?? onnxManifest.license }));
}

/** Resolves with the chosen voice (already saved to `pocketReader.voice`), or undefined. */
export async function chooseVoice(svc: Services): Promise<string | undefined> {
  const current = readConfig().voice;
  const items: VoiceItem[] = manifestVoices().map((v) => ({
    label: v.name,
    description: `${v.license}${v.name === onnxManifest.defaultVoice ? ' · default' : ''}`,
    picked: v.name === current,
    voice: v.name,
  }));
  items.push(...(await yourVoiceItems(svc, current)));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(file) Voice file…', description: 'a .safetensors voice state', browse: true });
  const pick = await vscode.window.showQuickPick(items, { title: 'Pocket Reader: choose a voice', placeHolder: `current: ${voiceLabel(current)}` });
  if (!pick) return undefined;
  if (pick.run) return pick.run();
  let voice = pick.voice;
  if (pick.browse) {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Voice state': ['safetensors'] }, openLabel: 'Use This Voice' });
    voice = files?.[0]?.fsPath;
    if (voice && !path.isAbsolute(voice)) return undefined;
  }
  if (!voice) return undefined;
  await updateGlobal('voice', voice);
  return voice;
}
