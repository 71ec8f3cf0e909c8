import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One server per SQLite data folder. A second one would share the database through a different
 * in-process writer queue and fight over locks; it is refused at start with a clear message.
 * The lock file names the owner's process; a file left by a process that died (kill -9, power
 * loss) is taken over.
 */
export class DataDirInUseError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): () => void {
  // A fresh data folder is made here: the lock is the first thing written into it.
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new DataDirInUseError(
          `另一个 Patrolbook 服务（进程 ${owner}）正在使用数据目录 ${dataDir}；同一数据目录只能运行一个服务。` +
            ` Another Patrolbook server (process ${owner}) is using the data folder ${dataDir}.`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new DataDirInUseError(`无法锁定数据目录 ${dataDir}`);
}
