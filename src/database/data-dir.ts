import fs from 'node:fs';
import path from 'node:path';
import { dataDirFailure } from './startup-errors';

function statOrNull(dir: string): fs.Stats | null {
  try {
    return fs.statSync(dir);
  } catch (err) {
    // ENOTDIR: a part of the path is a file; the level that is one says which.
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code!)) return null;
    throw err;
  }
}

/**
 * Like `mkdir -p`, but each missing level made on its own, so that the error
 * is the real one; a level that is a file is EEXIST when it is `top` itself,
 * else ENOTDIR naming it.
 */
function makeDirectory(dir: string, top = dir): void {
  const stat = statOrNull(dir);
  if (stat) {
    if (!stat.isDirectory()) {
      throw Object.assign(new Error(`${dir} is not a directory`), { code: dir === top ? 'EEXIST' : 'ENOTDIR', path: dir });
    }
    return;
  }
  const parent = path.dirname(dir);
  if (parent !== dir) makeDirectory(parent, top);
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * Makes DATA_DIR if it is missing and checks that this process may write
 * there; a DatabaseStartError that says what is wrong otherwise. (Node's
 * recursive mkdir reports a read-only mount as "no such file or directory".)
 */
export function prepareDataDir(dir: string): void {
  try {
    makeDirectory(dir);
    // A file written and removed, rather than access(2), which asks for the real user, not the effective one.
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '', { flag: 'w' });
    fs.rmSync(probe);
  } catch (err) {
    throw dataDirFailure(err, dir) ?? err;
  }
}
