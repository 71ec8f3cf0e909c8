// Preloaded into the server by PB_SERVER_HEAP_PROFILE=<dir> (tests/support/server.ts): samples
// what the server allocates, objects the collector has since freed included (which `node
// --heap-prof` leaves out), and writes <dir>/<pid>.heapprofile when the server exits. Read it
// with `node scripts/profile-summary.js`.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const dir = process.env.PB_HEAP_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  process.on('exit', () => {
    // An in-process session answers synchronously, so this runs before the process ends.
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error)
        writeFileSync(`${dir}/${process.pid}.heapprofile`, JSON.stringify(result.profile));
    });
  });
}
