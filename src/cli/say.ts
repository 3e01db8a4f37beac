/**
 * `npm run say -- [options] "text"`: synthesizes through the same client → worker → pipeline as the
 * extension, then plays the audio as it streams, or writes a 16-bit mono 24 kHz WAV with --out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkTarget, PartialFile } from '../audio/partialFile';
import { createPlayerSink } from '../audio/playerSink';
import { pairWords, RequestMarks, type PlacedMark, type TimedWord } from '../audio/requestMarks';
import { selectPlayer } from '../audio/players';
import type { AudioSink } from '../audio/sink';
import { DEFAULT_SAMPLE_RATE, WavFileWriter } from '../audio/wav';
import { EngineClient } from '../client/engineClient';
import { EngineError } from '../shared/errors';
import type { BackendChoice, SynthesisOptions } from '../shared/protocol';
import { packFor } from '../store/languagePacks';
import { isLanguageCode } from '../text/language/codes';
import { chooseLanguage } from '../text/language/detect';
import { narrate } from '../text/narrate';
import { sourceRange, type Segment } from '../text/segment';
import { cloneVoiceToFile } from './cloneVoice';
import { dryRunText, languageIdForPath } from './dryRun';
import { NARRATION_FLAGS, NARRATION_USAGE, narrationOptions } from './narrationFlags';
import { resolveModelDir } from './modelDir';

const USAGE = `usage: npm run say -- [options] "text to speak"
  --file PATH         read the text from a file (Markdown is narrated as prose); or pipe text on stdin
  --out FILE.wav      write a 16-bit mono 24 kHz WAV instead of playing (--force to replace a file)
  --timestamps FILE.json  also write word times [{ word, start, end, sourceStart, sourceEnd }] (seconds;
                      offsets into the input text or --file), for model sets with word timing
  --model-dir DIR     use a local model folder (default: download once into the per-user cache)
  --voice NAME|PATH   built-in voice name or a voice .safetensors file (default: the language's own voice)
  --language L        auto | en | fr | de | it | pt | es (default auto: front matter, else the text, else the OS locale)
  --model-size S      standard | large (24-layer models; French has only large) (default standard)
  --clone-voice IN.wav --out-voice OUT.safetensors
                      make a voice file from a recording (3-30 s of one speaker who agreed to it) with the
                      English model, then speak with it with --voice OUT.safetensors (--force to replace a file)
  --temperature T     noise variance, 0 = deterministic (default 0.3)
  --seed N            noise seed (default: random, printed)
  --lsd-steps N       flow-head steps (default 1)
  --backend B         auto | onnx | coreml (default auto)
  --threads N         backbone threads (default 0 = automatic; the Mimi decoder has its own thread)
  --dry-run           print "language: <code>", then what would be spoken, line by line, without synthesizing
${NARRATION_USAGE}`;

async function readInput(file: string | undefined, positional: string[]): Promise<{ text: string; languageId: string }> {
  if (file) {
    const raw = readFileSync(file);
    if (raw.includes(0)) throw new EngineError('NOTHING_SPEAKABLE', `${file} looks like a binary file`);
    return { text: raw.toString('utf8'), languageId: languageIdForPath(file) };
  }
  if (positional.length > 0) return { text: positional.join(' '), languageId: 'plaintext' };
  if (process.stdin.isTTY) return { text: '', languageId: 'plaintext' };
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), languageId: 'plaintext' };
}

function engineFor(modelDir: string, backend: string, threads: string): EngineClient {
  return new EngineClient({ config: { modelDir, backend: backend as BackendChoice, threads: Number(threads) }, log: (line) => console.error(line) });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      out: { type: 'string' },
      timestamps: { type: 'string' },
      force: { type: 'boolean', default: false },
      'model-dir': { type: 'string' },
      voice: { type: 'string' },
      'clone-voice': { type: 'string' },
      'out-voice': { type: 'string' },
      temperature: { type: 'string', default: '0.3' },
      seed: { type: 'string' },
      'lsd-steps': { type: 'string', default: '1' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string', default: '0' },
      language: { type: 'string', default: 'auto' },
      'model-size': { type: 'string', default: 'standard' },
      'dry-run': { type: 'boolean', default: false },
      ...NARRATION_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.language !== 'auto' && !isLanguageCode(values.language)) throw new Error(`--language must be auto, en, fr, de, it, pt or es (got "${values.language}")`);
  if (values['model-size'] !== 'standard' && values['model-size'] !== 'large') throw new Error(`--model-size must be standard or large (got "${values['model-size']}")`);
  const cloning = values['clone-voice'] !== undefined || values['out-voice'] !== undefined;
  if (cloning && !(values['clone-voice'] && values['out-voice'])) {
    console.error('--clone-voice IN.wav needs --out-voice OUT.safetensors (and the other way round).\n\n' + USAGE);
    return 2;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  if (cloning) {
    const client = engineFor(await resolveModelDir(values['model-dir'], abort.signal, { language: 'en', size: 'standard', groups: ['core', 'encoder'] }), values.backend, values.threads);
    try {
      await cloneVoiceToFile(client, values['clone-voice']!, values['out-voice']!, values.force);
      return 0;
    } finally {
      await client.dispose();
    }
  }
  const narration = narrationOptions(values);
  const input = await readInput(values.file, positionals);
  const { language } = await chooseLanguage({
    setting: values.language as 'auto',
    document: input.text,
    languageId: input.languageId,
    displayLanguage: process.env.LC_ALL || process.env.LANG || Intl.DateTimeFormat().resolvedOptions().locale,
  });
  if (values['dry-run']) {
    process.stdout.write(dryRunText(input.text, input.languageId, { ...narration, language }) + '\n');
    return 0;
  }
  // Documents are read as prose: Markdown structure, code and URLs never reach the model.
  const segments =
    input.languageId === 'plaintext' ? undefined : narrate(input.text, { languageId: input.languageId, codeBlocks: 'skip', ...narration, language });
  const text = segments ? segments.map((s) => s.text).join(' ') : input.text;
  if (!text.trim()) {
    console.error('Nothing to say: give text as an argument, with --file, or on stdin.\n\n' + USAGE);
    return 2;
  }

  // The output files are checked first: a wrong --out fails at once, not after a download and a synthesis.
  const timesFile = values.timestamps ? path.resolve(values.timestamps) : undefined;
  if (timesFile) await checkTarget(timesFile, values.force, 'words.json');
  const wav = values.out ? await WavFileWriter.createAt(path.resolve(values.out), DEFAULT_SAMPLE_RATE, values.force) : undefined;
  let times: PartialFile | undefined;
  let client: EngineClient | undefined;
  let sink: AudioSink | undefined;
  try {
    const size = values['model-size'] as 'standard' | 'large';
    const explicitVoice = values.voice && !/[\\/]|\.safetensors$/i.test(values.voice) ? values.voice : undefined;
    const modelDir = await resolveModelDir(values['model-dir'], abort.signal, { language, size, voice: explicitVoice });
    const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
    client = engineFor(modelDir, values.backend, values.threads);
    const ready = await client.ensureLoaded();
    if (ready.info.sampleRate !== DEFAULT_SAMPLE_RATE) throw new Error(`the model makes ${ready.info.sampleRate} Hz audio; expected ${DEFAULT_SAMPLE_RATE} Hz`);
    if (timesFile) {
      if (!ready.info.wordTimestamps) throw new Error(`the model set in ${modelDir} has no word timing (${ready.info.noWordTiming ?? 'unknown reason'}), so --timestamps cannot be written`);
      times = await PartialFile.open(path.dirname(timesFile), path.basename(timesFile));
    }
    const ownVoice = language !== 'en' && !values['model-dir'] ? packFor(language, size).defaultVoice : undefined;
    const voice = values.voice ?? ownVoice ?? ready.info.builtinVoices[0] ?? 'alba';
    const options: SynthesisOptions = {
      voice,
      temperature: Number(values.temperature),
      lsdSteps: Number(values['lsd-steps']),
      seed,
      // A file gets the same samples whatever the timing (and after an engine restart); playback wants low latency.
      decodeBatching: wav ? 'fixed' : 'adaptive',
    };
    if (!wav) {
      const player = await selectPlayer().catch((e: Error) => {
        throw new Error(`${e.message}\nOr write the audio to a file instead: --out speech.wav`);
      });
      sink = createPlayerSink(player, { sampleRate: ready.info.sampleRate });
    }

    const handle = client.synthesize(text, options);
    abort.signal.addEventListener('abort', () => {
      handle.cancel();
      void sink?.stop();
    });
    let lastChunk = -1;
    const marks = new RequestMarks();
    const placed: PlacedMark[] = [];
    for await (const chunk of handle) {
      placed.push(...marks.place(chunk).marks);
      if (chunk.textChunk !== lastChunk) {
        lastChunk = chunk.textChunk;
        process.stderr.write(`  ▸ ${text.slice(chunk.span.start, chunk.span.end).slice(0, 100)}\n`);
      }
      if (wav) await wav.write(chunk.pcm);
      else await sink!.write(chunk.pcm);
    }
    const stats = await handle.done;
    const written = await wav?.commit();
    if (times) {
      await times.handle.writeFile(JSON.stringify(wordTimes(text, segments, pairWords(placed, ready.info.sampleRate)), null, 1) + '\n');
      await times.commitAt(timesFile!, values.force);
    }
    if (sink) await sink.finish();
    console.error(
      `${stats.audioSeconds.toFixed(2)} s of audio in ${(stats.wallMs / 1000).toFixed(2)} s ` +
        `(${stats.realTimeFactor.toFixed(2)}× real time, first audio after ${stats.firstAudioMs.toFixed(0)} ms); ` +
        `${ready.backend}, ${language}, voice ${voice}, seed ${seed}${stats.restarts ? `, engine restarted ${stats.restarts}×` : ''}${written ? `; wrote ${written}` : ''}${times ? `; word times in ${timesFile}` : ''}`,
    );
    return 0;
  } finally {
    await wav?.discard(); // a no-op once committed; otherwise (error, Ctrl-C) nothing half-written stays behind
    await times?.discard(); // after commitAt only the (already moved) temp name is gone
    await client?.dispose();
  }
}

/** The --timestamps entries; offsets go back through narration when the text came from a document. */
function wordTimes(text: string, segments: readonly Segment[] | undefined, words: readonly TimedWord[]) {
  const ms = (s: number) => Math.round(s * 1000) / 1000;
  // The request is the segments joined with one space: where each segment starts in it.
  const starts: number[] = [];
  segments?.reduce((at, s) => (starts.push(at), at + s.text.length + 1), 0);
  const toSource = (start: number, end: number) => {
    if (!segments) return { start, end };
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > start) i--;
    return sourceRange(segments[i]!, start - starts[i]!, end - starts[i]!);
  };
  return words.map((w) => {
    const source = toSource(w.sourceStart, w.sourceEnd);
    return {
      word: text.slice(w.sourceStart, w.sourceEnd),
      start: ms(w.start),
      end: ms(w.end),
      sourceStart: source.start,
      sourceEnd: source.end,
      ...(w.estimated ? { estimated: true } : {}),
    };
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const code = err instanceof EngineError ? err.code : undefined;
    if (code === 'CANCELLED') {
      console.error('stopped');
      process.exit(130);
    }
    const hint =
      code === 'OFFLINE'
        ? ' You seem to be offline (or behind a proxy: set HTTPS_PROXY).\nUse a local model folder with --model-dir DIR.'
        : code === 'DOWNLOAD_FAILED'
          ? '\nCheck the network connection, or use a local model folder with --model-dir DIR.'
          : '';
    const detail = err instanceof EngineError && err.detail ? `\n(${err.detail})` : '';
    console.error(`say: ${err instanceof Error ? err.message : String(err)}${hint}${detail}`);
    process.exit(1);
  },
);
