// The Pocket Reader player view: shows what is being read with its controls, and plays the extension's PCM through
// one AudioContext + AudioWorklet (pcm-worklet.js). The protocol is in src/ui/playerProtocol.ts.
// Browsers and desktop VS Code start an AudioContext only after a user gesture in this frame; until then the view
// shows "Click to enable audio" and tells the extension that audio is blocked. After one click the context stays
// unlocked for the life of the view, so later readings (and pause/resume) need no further clicks.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('player');
  const config = JSON.parse(root.dataset.config);
  const $ = (id) => document.getElementById(id);
  const el = {
    notice: $('notice'), noticeText: $('notice-text'), enable: $('enable'), status: $('status'), sentence: $('sentence'),
    previous: $('previous'), play: $('play'), stop: $('stop'), next: $('next'), speed: $('speed'), voice: $('voice'), voiceName: $('voice-name'),
    playIcon: $('icon-play'), pauseIcon: $('icon-pause'),
  };
  /** How long a wanted start may take before the view says audio is blocked. */
  const BLOCKED_AFTER_MS = 250;

  // --- audio -----------------------------------------------------------------------------------------------------
  let ctx;
  let graph; // Promise<AudioWorkletNode>
  let wantRunning = false;
  let audioState = 'idle';
  let blockedTimer;

  function setAudioState(state, detail) {
    if (state === audioState && !detail) return;
    audioState = state;
    root.dataset.audio = state;
    vscode.postMessage({ type: 'audio', state, detail });
    renderNotice(detail);
  }

  /** Creates the context (synchronously, so a click handler's gesture counts) and loads the worklet once. */
  function ensureGraph() {
    if (graph) return graph;
    try {
      ctx = new AudioContext({ sampleRate: config.sampleRate, latencyHint: 'playback' });
    } catch (err) {
      graph = Promise.reject(err);
      graph.catch(failed);
      return graph;
    }
    ctx.onstatechange = onContextState;
    // Inside the chain, so a window without AudioWorklet (or a refused module) is reported like any other failure.
    graph = Promise.resolve().then(() => ctx.audioWorklet.addModule(config.worklet)).then(() => {
      const node = new AudioWorkletNode(ctx, 'pocket-reader-pcm', { numberOfInputs: 0, outputChannelCount: [1] });
      node.port.onmessage = (e) => onClock(e.data);
      node.connect(ctx.destination);
      return node;
    });
    graph.catch(failed);
    return graph;
  }

  function failed(err) {
    wantRunning = false;
    setAudioState('failed', String(err && err.message ? err.message : err));
  }

  function toWorklet(message, transfer) {
    ensureGraph().then((node) => node.port.postMessage(message, transfer || []), () => undefined);
  }

  function onContextState() {
    root.dataset.context = ctx.state;
    if (audioState === 'failed') return;
    if (ctx.state === 'running') {
      clearTimeout(blockedTimer);
      blockedTimer = undefined;
      const hadFocus = document.activeElement === el.enable;
      setAudioState('running');
      if (hadFocus) el.play.focus(); // the enable button just disappeared; keep the keyboard in the player
    } else if (!wantRunning) setAudioState('idle');
  }

  function setRunning(want) {
    wantRunning = want;
    if (audioState === 'failed') return;
    if (!want) {
      clearTimeout(blockedTimer);
      blockedTimer = undefined;
      if (ctx && ctx.state === 'running') ctx.suspend();
      else if (audioState === 'blocked') setAudioState('idle');
      return;
    }
    ensureGraph();
    if (!ctx || ctx.state === 'running') return;
    ctx.resume().catch(() => undefined); // stays pending (or rejects) while autoplay is not allowed
    if (blockedTimer !== undefined || audioState === 'blocked') return; // already waiting, or already said so
    blockedTimer = setTimeout(() => {
      blockedTimer = undefined;
      if (wantRunning && ctx.state !== 'running') setAudioState('blocked');
    }, BLOCKED_AFTER_MS);
  }

  function onClock(c) {
    root.dataset.stream = String(c.stream);
    root.dataset.played = String(c.played);
    root.dataset.peak = c.peak.toFixed(5);
    root.dataset.rms = c.rms.toFixed(5);
    vscode.postMessage({ type: 'clock', stream: c.stream, played: c.played, ended: c.ended });
  }

  // --- the extension's messages ------------------------------------------------------------------------------------
  window.addEventListener('message', (e) => {
    const m = e.data;
    switch (m.type) {
      case 'ui':
        return render(m.ui);
      case 'wake':
        return setRunning(true);
      case 'open':
        toWorklet({ type: 'open', stream: m.stream });
        return setRunning(true);
      case 'pcm':
        return toWorklet({ type: 'pcm', stream: m.stream, pcm: m.pcm }, [m.pcm.buffer]);
      case 'end':
      case 'stop':
        return toWorklet({ type: m.type, stream: m.stream });
      case 'pause':
        return setRunning(false);
      case 'resume':
        return setRunning(true);
    }
  });

  // --- view --------------------------------------------------------------------------------------------------------
  let ui = { state: 'idle', sentence: '', index: 0, count: 0, voice: '', speed: 1, webviewAudio: false };

  function render(next) {
    ui = next;
    root.dataset.state = ui.state;
    const idle = ui.state === 'idle';
    const where = ui.index > 0 ? ` ${ui.index}/${ui.count}` : '';
    const speed = `${Number(ui.speed.toFixed(2))}×`;
    el.status.textContent = {
      idle: 'Not reading',
      preparing: `Preparing ${ui.voice}…`,
      playing: `Reading${where} · ${ui.voice} · ${speed}`,
      paused: `Paused${where} · ${ui.voice} · ${speed}`,
    }[ui.state];
    el.sentence.textContent = idle ? 'Select text in an editor, then press Play or Ctrl+Shift+Alt+R (⌘⌥R on a Mac).' : ui.sentence || '…';
    el.sentence.classList.toggle('hint', idle || !ui.sentence);
    const pausable = ui.state === 'playing' || ui.state === 'preparing';
    el.playIcon.toggleAttribute('hidden', pausable);
    el.pauseIcon.toggleAttribute('hidden', !pausable);
    const playLabel = idle ? 'Read selection' : pausable ? 'Pause' : 'Resume';
    el.play.setAttribute('aria-label', playLabel);
    el.play.title = playLabel;
    for (const b of [el.previous, el.stop, el.next]) b.disabled = idle;
    el.voiceName.textContent = ui.voice;
    setSpeedOptions(ui.speed);
    if (idle) setRunning(false);
    renderNotice();
  }

  const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];
  function setSpeedOptions(current) {
    const values = SPEEDS.includes(current) ? SPEEDS : [...SPEEDS, current].sort((a, b) => a - b);
    if (el.speed.options.length !== values.length) {
      el.speed.replaceChildren(...values.map((v) => new Option(`${v}×`, String(v))));
    }
    el.speed.value = String(current);
  }

  function renderNotice(detail) {
    const blocked = audioState === 'blocked';
    const failedNow = audioState === 'failed';
    el.notice.hidden = !blocked && !failedNow;
    el.notice.classList.toggle('error', failedNow);
    el.enable.hidden = !blocked;
    if (blocked) {
      el.noticeText.textContent = 'Audio is blocked: VS Code and browsers play sound only after a click in this panel.';
      if (document.hasFocus()) el.enable.focus();
    } else if (failedNow && detail) el.noticeText.textContent = `This panel cannot play audio: ${detail}`;
  }

  // Any click in the view is a user gesture: use it to unlock audio when this view is the audio output, so the Play
  // button (or the enable button) starts sound at once. Created or resumed inside the handler, or it does not count.
  document.addEventListener('click', () => {
    if (!(ui.webviewAudio || audioState === 'blocked') || audioState === 'failed' || (ctx && ctx.state === 'running')) return;
    ensureGraph();
    if (!ctx) return;
    ctx.resume().then(() => {
      if (!wantRunning) ctx.suspend();
    }, () => undefined);
  }, true);
  window.addEventListener('focus', () => {
    if (!el.enable.hidden) el.enable.focus();
  });

  const command = (name) => () => vscode.postMessage({ type: 'command', command: name });
  el.play.addEventListener('click', () => command(ui.state === 'idle' ? 'read' : 'togglePause')());
  el.stop.addEventListener('click', command('stop'));
  el.previous.addEventListener('click', command('previous'));
  el.next.addEventListener('click', command('next'));
  el.voice.addEventListener('click', command('chooseVoice'));
  el.speed.addEventListener('change', () => vscode.postMessage({ type: 'speed', speed: Number(el.speed.value) }));

  root.dataset.audio = audioState;
  render(ui);
  vscode.postMessage({ type: 'ready' });
})();
