// The player view's page: a strict CSP with a fresh nonce, script, worklet and styles only from the extension's own
// media/ folder (asWebviewUri), no inline styles, nothing remote.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

const ICONS = {
  previous: 'M3 3h1.5v10H3zM13 3v10L5.5 8z',
  play: 'M4.5 2.5v11l9-5.5z',
  pause: 'M4 2.5h3v11H4zM9 2.5h3v11H9z',
  stop: 'M3.5 3.5h9v9h-9z',
  next: 'M11.5 3H13v10h-1.5zM3 3v10l7.5-5z',
  chevron: 'M3.5 6l4.5 4.5L12.5 6l-.9-.9L8 8.7 4.4 5.1z',
};

const icon = (name: keyof typeof ICONS, id?: string) =>
  `<svg${id ? ` id="${id}"` : ''} viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d="${ICONS[name]}"/></svg>`;

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function playerHtml(webview: vscode.Webview, extensionUri: vscode.Uri, sampleRate: number): string {
  const nonce = randomBytes(18).toString('base64');
  const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file)).toString();
  // audioWorklet.addModule() fetches the worklet as a script that cannot carry a nonce, so script-src also allows the
  // extension's own resource origin (webview.cspSource); the page's script itself runs by nonce.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}' ${webview.cspSource}`,
  ].join('; ');
  const config = attr(JSON.stringify({ worklet: media('pcm-worklet.js'), sampleRate }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(media('player.css'))}">
<title>Pocket Reader</title>
</head>
<body>
<main id="player" class="player" data-config="${config}">
  <section id="notice" class="notice" role="alert" hidden>
    <p id="notice-text"></p>
    <button id="enable" class="primary" type="button">Click to enable audio</button>
  </section>
  <p id="status" class="status" aria-live="polite">Not reading</p>
  <p id="sentence" class="sentence"></p>
  <div class="controls" role="toolbar" aria-label="Playback">
    <button id="previous" class="icon" type="button" aria-label="Previous sentence" title="Previous sentence">${icon('previous')}</button>
    <button id="play" class="icon primary" type="button" aria-label="Read selection" title="Read selection">${icon('play', 'icon-play')}${icon('pause', 'icon-pause')}</button>
    <button id="stop" class="icon" type="button" aria-label="Stop" title="Stop">${icon('stop')}</button>
    <button id="next" class="icon" type="button" aria-label="Next sentence" title="Next sentence">${icon('next')}</button>
    <label class="field">Speed <select id="speed" title="Playback speed (pitch is preserved)"></select></label>
    <span class="field"><span id="voice-label">Voice</span> <button id="voice" class="picker" type="button" aria-labelledby="voice-label voice-name" title="Choose voice"><span id="voice-name"></span>${icon('chevron')}</button></span>
  </div>
</main>
<script nonce="${nonce}" src="${attr(media('player.js'))}"></script>
</body>
</html>`;
}
