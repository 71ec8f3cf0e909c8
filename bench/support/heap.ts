import { Session } from 'node:inspector/promises';

type SamplingNode = { selfSize: number; children: SamplingNode[] };

/**
 * Bytes allocated a call of `fn`, by V8's sampling heap profiler (a sample every 512 bytes on
 * average), counting what the young and old collections have already freed: the garbage a call
 * leaves, which is what the collector's pauses scale with. A statistical figure, not a timing, so
 * it does not move with the machine's load.
 */
export async function allocatedPerCall(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < calls; i++) await fn();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
      profile: { head: SamplingNode };
    };
    let total = 0;
    const stack = [profile.head];
    for (let n = stack.pop(); n; n = stack.pop()) {
      total += n.selfSize;
      stack.push(...n.children);
    }
    return total / calls;
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
