import type { Logger } from '../shared/log.js';
import type { ScreenWatcherOptions } from './screen-watcher.js';

/** Claude's screen as a headless terminal sees it, for the limit messages only the screen shows. */
export interface ScreenFeed {
  write(chunk: Buffer): void;
  /** The rows on screen now, as text; null when the emulator has stopped. */
  rows(): string[] | null;
  dispose(): void;
}

/**
 * The screen watcher, loaded on demand (the emulator is the largest thing an interactive session
 * loads), sized like our terminal and following its resizes. Null when it cannot load: limits are
 * then read from the transcript and hooks only.
 */
export async function openScreenFeed(
  options: Pick<ScreenWatcherOptions, 'timeZone' | 'now' | 'emit'>,
  logger: Logger,
  stdout: NodeJS.WriteStream = process.stdout,
): Promise<ScreenFeed | null> {
  try {
    const { createScreenWatcher } = await import('./screen-watcher.js');
    const watcher = createScreenWatcher({ ...options, cols: stdout.columns || 80, rows: stdout.rows || 24 });
    const onResize = (): void => watcher.resize(stdout.columns || 80, stdout.rows || 24);
    stdout.on('resize', onResize);
    return {
      write: (chunk) => watcher.write(chunk),
      rows: () => watcher.rows(),
      dispose: () => {
        stdout.off('resize', onResize);
        watcher.dispose();
      },
    };
  } catch (error) {
    logger.error('screen watcher unavailable; limits are read from the transcript and hooks only', error);
    return null;
  }
}
