// Where sound should come out: a player process on this machine, or the webview player in the window the user sits
// at. A player process plays on the machine that runs the extension host, which in a browser window (code-server,
// Codespaces) or a remote window with the extension on the workspace side is a server nobody listens to.
import { candidatePlayers, PlayerUnavailableError, type Player, type PlayerKind } from './players';

/** Where the extension runs, from vscode.env and its own extensionKind. */
export interface Placement {
  /** vscode.env.remoteName ("ssh-remote", "wsl", "codespaces", …), undefined in a local window. */
  remoteName: string | undefined;
  /** This extension runs in the workspace-side (remote) extension host. */
  workspaceSide: boolean;
  /** vscode.env.uiKind is Web: the user sits at a browser. */
  webUi: boolean;
  platform?: NodeJS.Platform;
}

export const PLAYER_SETTING = 'pocketReader.player';

export type SinkChoice =
  | { kind: 'webview'; reason: string }
  | { kind: 'player'; player: Player; reason: string };

/** The values of `pocketReader.player` on this platform. */
export function sinkSettings(platform: NodeJS.Platform = process.platform): string[] {
  return ['auto', 'webview', ...new Set(candidatePlayers(platform).map(([kind]) => kind))];
}

/**
 * Applies `pocketReader.player`. `findPlayer` selects (and health-checks) a local player, optionally of one kind,
 * and throws PlayerUnavailableError when none works. An explicit player that does not work is an error naming the
 * setting (its message then offers to change it); `auto` falls back to the webview instead.
 */
export async function chooseSink(setting: string, where: Placement, findPlayer: (kind?: PlayerKind) => Promise<Player>): Promise<SinkChoice> {
  if (setting === 'webview') return { kind: 'webview', reason: 'pocketReader.player is "webview"' };
  if (setting !== 'auto') {
    const valid = sinkSettings(where.platform);
    if (!valid.includes(setting)) {
      throw new PlayerUnavailableError(`the audio player "${setting}" (setting ${PLAYER_SETTING}) is not supported here; use one of: ${valid.join(', ')}.`, [], PLAYER_SETTING);
    }
    const player = await findPlayer(setting as PlayerKind).catch((err: unknown) => {
      if (!(err instanceof PlayerUnavailableError)) throw err;
      throw new PlayerUnavailableError(`${err.message} (chosen by the setting ${PLAYER_SETTING})`, err.problems, PLAYER_SETTING);
    });
    return { kind: 'player', player, reason: `pocketReader.player is "${setting}"` };
  }
  if (where.webUi) return { kind: 'webview', reason: 'VS Code runs in a browser, so a player process would play on the server' };
  if (where.remoteName && where.workspaceSide) {
    return { kind: 'webview', reason: `the extension runs on the remote side (${where.remoteName}), away from your speakers` };
  }
  try {
    const player = await findPlayer();
    return { kind: 'player', player, reason: `${player.label} works on this machine` };
  } catch (err) {
    if (!(err instanceof PlayerUnavailableError)) throw err;
    return { kind: 'webview', reason: `no local player works (${err.message})` };
  }
}
