import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';

const DIST = path.resolve(__dirname, '../../dist/index.js');
const SCRIPT = path.join(__dirname, 'fixtures/decide.mjs');

function decideInChild(rate: number, ids: string[]): boolean[] {
  const r = spawnSync(process.execPath, [SCRIPT, String(rate)], { input: JSON.stringify(ids), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`decide.mjs failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as boolean[];
}

describe('sampling decisions across processes (built package)', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error('build @tracekit/core first: cd packages/core && npx tsup');
  });

  it('two processes decide the same for the same 3000 trace IDs, as OpenTelemetry would, about 30% kept', () => {
    const ids = Array.from({ length: 3000 }, () => randomBytes(16).toString('hex'));
    const first = decideInChild(0.3, ids);
    const second = decideInChild(0.3, ids);
    expect(first).toHaveLength(ids.length);
    expect(second).toEqual(first);
    const otel = new TraceIdRatioBasedSampler(0.3);
    const theirs = ids.map((id) => otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED);
    expect(first).toEqual(theirs);
    const kept = first.filter(Boolean).length / ids.length;
    // Binomial(3000, 0.3): sd 0.0084; ±0.05 is about 6 sd.
    expect(kept).toBeGreaterThan(0.25);
    expect(kept).toBeLessThan(0.35);
  });
});
