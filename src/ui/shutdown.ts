/** The extension's shutdown: silence the player, then end the engine process (runtime released first). */
import type { Services } from './services';

export async function shutdown(svc: Pick<Services, 'reader' | 'engine'>): Promise<void> {
  await svc.reader.stop();
  await svc.engine.dispose();
}
