/**
 * The voice a reading uses: the configured one when the model set has it (or it is a usable voice file), else the
 * model's default, said once per voice and folder. The setting itself is left alone: switching back to a folder
 * that has the voice brings it back.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commands/ids';
import { EngineError } from '../shared/errors';
import { isVoiceFile } from '../shared/voiceFiles';
import { onnxManifest } from '../store/manifest';
import { defaultFolderVoice, listFolderVoices, voiceFileProblem, type VoiceListing } from '../store/voices';

export class ActiveVoice {
  private readonly told = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  /** The voices of `modelDir`; damaged voice files are logged once each. */
  async list(modelDir: string): Promise<VoiceListing> {
    const listing = await listFolderVoices(modelDir, onnxManifest);
    for (const d of listing.damaged) this.once(`damaged\n${d.file}`, () => this.log(`voice skipped: ${d.problem}`));
    return listing;
  }

  /** The voice to read `modelDir` with; throws UNKNOWN_VOICE when there is none it can use. */
  async resolve(modelDir: string, configured: string): Promise<string> {
    if (isVoiceFile(configured)) {
      const problem = await voiceFileProblem(path.resolve(configured));
      if (problem) throw new EngineError('UNKNOWN_VOICE', `the voice file cannot be used: ${problem}`);
      return configured;
    }
    const listing = await this.list(modelDir);
    if (listing.voices.some((v) => v.name === configured)) return configured;
    const fallback = await defaultFolderVoice(modelDir, listing.voices, onnxManifest);
    if (!fallback) throw new EngineError('UNKNOWN_VOICE', `the model in ${modelDir} has no voices: add voices/NAME.safetensors there, or choose a voice file`);
    const damaged = listing.damaged.find((d) => path.basename(d.file) === `${configured}.safetensors`);
    const why = damaged ? `the voice "${configured}" is damaged (${damaged.problem})` : `the voice "${configured}" is not in this model (${modelDir})`;
    this.once(`fallback\n${configured}\n${modelDir}`, () => {
      this.log(`${why}; reading with "${fallback}", the model's default`);
      void vscode.window
        .showInformationMessage(`Pocket Reader: ${why}; reading with "${fallback}", the model's default.`, 'Choose Voice')
        .then((pick) => pick && vscode.commands.executeCommand(CommandId.ChooseVoice));
    });
    return fallback;
  }

  private once(key: string, say: () => void): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    say();
  }
}
