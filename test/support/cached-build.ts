import { execFileSync } from 'child_process';

const folders = new Map<string, string>();

/**
 * The output folder of a test tool's build script (test/support/cached-build.sh: the last line it
 * prints), built or reused once per process.
 */
export function builtFolder(script: string): string {
  let folder = folders.get(script);
  if (folder === undefined) {
    folder = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 })
      .toString().trim().split('\n').pop()!;
    folders.set(script, folder);
  }
  return folder;
}
