/** Reading the state files a wrapped session writes, as the tests that watch a session do. */
import { readFileSync } from 'node:fs';

/** The `data` of a state file; null while it is missing or being replaced. */
export function readStateData<T = Record<string, unknown>>(file: string): T | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { data: T }).data;
  } catch {
    return null;
  }
}
