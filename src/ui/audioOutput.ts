/**
 * Picks the audio player once (the health probe costs a few hundred ms) and makes sinks for it. The choice is
 * dropped when the `player` setting changes or playback fails, so the next read probes again.
 */
import { candidatePlayers, PlayerUnavailableError, selectPlayer, type Player, type PlayerKind } from '../audio/players';
import { createPlayerSink } from '../audio/playerSink';
import type { AudioSink } from '../audio/sink';

const PLAYER_SETTING = 'pocketReader.player';

export class AudioOutput {
  private cached: { key: string; player: Player } | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** The player for the `pocketReader.player` setting ("auto" or a kind); throws PlayerUnavailableError. */
  async player(setting: string): Promise<Player> {
    if (this.cached?.key === setting) return this.cached.player;
    const known = new Set(candidatePlayers().map(([kind]) => kind));
    if (setting !== 'auto' && !known.has(setting as PlayerKind)) {
      throw new PlayerUnavailableError(
        `the audio player "${setting}" (setting pocketReader.player) is not supported here; use "auto" or one of: ${[...known].join(', ')}.`,
        [],
        PLAYER_SETTING,
      );
    }
    const t0 = performance.now();
    const player = await selectPlayer(setting === 'auto' ? {} : { prefer: [setting as PlayerKind] }).catch((err: unknown) => {
      if (setting === 'auto' || !(err instanceof PlayerUnavailableError)) throw err;
      throw new PlayerUnavailableError(`${err.message} (chosen by the setting pocketReader.player)`, err.problems, PLAYER_SETTING);
    });
    this.log(`audio player: ${player.kind} (${player.command}), checked in ${Math.round(performance.now() - t0)} ms`);
    this.cached = { key: setting, player };
    return player;
  }

  createSink(player: Player): AudioSink {
    return createPlayerSink(player, { env: process.env });
  }

  forget(): void {
    this.cached = undefined;
  }
}
