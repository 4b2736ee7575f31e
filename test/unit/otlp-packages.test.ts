import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OTEL_PACKAGES } from '../../src/export/otlp-packages.js';
import { REPO_ROOT } from '../support/sandbox.js';

describe('the optional OpenTelemetry packages', () => {
  it('are the optional peers and dev dependencies package.json names, at the versions the SDK module is built against', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(manifest.peerDependencies).toEqual(OTEL_PACKAGES);
    for (const [name, version] of Object.entries(OTEL_PACKAGES)) {
      expect(manifest.peerDependenciesMeta?.[name]).toEqual({ optional: true });
      expect(manifest.devDependencies?.[name]).toBe(version);
      expect(manifest.dependencies?.[name]).toBeUndefined();
    }
  });
});
