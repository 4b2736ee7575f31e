import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Paths } from '../shared/paths.js';
import { makeDirectories, PRIVATE_DIR_MODE } from '../shared/private-fs.js';

export interface StateWatcher {
  /** Start watching what could not be watched before (a directory made since). Cheap when all is watched. */
  rearm(): void;
  close(): void;
}

/**
 * Calls `onChange` soon after current_session.json or any session's state file is replaced.
 * Runners write these at most four times a second each, plus a heartbeat; events in a burst are
 * gathered into one call `debounceMs` after the first, so a reader keeps up without spinning.
 * Calls are at least `minGapMs` apart, however many sessions write.
 * The directories are made if missing (as the first session would make them), since a directory
 * cannot be watched before it exists; one removed later is watched again once it is back.
 */
export function watchStateFiles(
  paths: Pick<Paths, 'currentStateFile' | 'sessionStateDir'>,
  onChange: () => void,
  { debounceMs = 150, minGapMs = 500 }: { debounceMs?: number; minGapMs?: number } = {},
): StateWatcher {
  const currentName = basename(paths.currentStateFile);
  const sessionsName = basename(paths.sessionStateDir);
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let armed = false;
  let lastCallAt = -Infinity;
  let retry: NodeJS.Timeout | null = null;

  const changed = (): void => {
    if (timer || closed) return;
    const wait = Math.max(debounceMs, lastCallAt + minGapMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      lastCallAt = Date.now();
      if (!closed) onChange();
    }, wait);
  };

  const watchDir = (dir: string, relevant: (name: string) => boolean): void => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || relevant(name.toString())) changed();
      });
      // The directory went away (pruned, or the whole state dir removed): watch again when it is back.
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    } catch {
      // Not there yet.
    }
  };

  const rearm = (): void => {
    if (closed) return;
    for (const dir of [dirname(paths.currentStateFile), paths.sessionStateDir]) {
      try {
        makeDirectories(dir, PRIVATE_DIR_MODE);
      } catch {
        // Not ours to make (read-only home): watched when someone else makes it.
      }
    }
    const sessionsWasWatched = watchers.has(paths.sessionStateDir);
    watchDir(dirname(paths.currentStateFile), (name) => {
      if (name === sessionsName) {
        // Made or removed and made again: a watcher of the old directory hears nothing more.
        watchers.get(paths.sessionStateDir)?.close();
        watchers.delete(paths.sessionStateDir);
        setImmediate(rearm);
      }
      return name === currentName || name === sessionsName;
    });
    watchDir(paths.sessionStateDir, (name) => name.endsWith('.json') && !name.startsWith('.'));
    // Files may have appeared in it before we looked.
    if (armed && !sessionsWasWatched && watchers.has(paths.sessionStateDir)) changed();
    armed = true;
    if (watchers.size < 2 && !retry) {
      retry = setTimeout(() => {
        retry = null;
        rearm();
      }, 1000);
      retry.unref();
    }
  };

  rearm();
  return {
    rearm,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
