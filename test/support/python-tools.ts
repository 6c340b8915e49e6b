/**
 * A throwaway Python venv in the cache with the independent tools we compare
 * against (auditwheel, abi3audit, delocate...), pinned; shared by the corpus
 * fact script and the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../src/cache-dir.ts';

/** Versions pinned in the venv: the tools and the data they decide with. */
export const VENV_PINS = [
  'auditwheel==6.8.2',
  'pyelftools==0.33',
  'abi3audit==0.0.26',
  'abi3info==2026.9.25',
  'delocate==0.13.0',
  'macholib==1.16.4',
  'packaging==26.3',
];


export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { allowFail?: boolean; cwd?: string; env?: Record<string, string | undefined> } = {}): Run {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    cwd: opts.cwd,
    maxBuffer: 1 << 30,
    env: { ...process.env, LC_ALL: 'C', NO_COLOR: '1', TERM: 'dumb', COLUMNS: '200', PYTHONDONTWRITEBYTECODE: '1', ...opts.env },
  });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`, { cause: r.error });
  const out = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (out.code !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${out.code}: ${out.stderr || out.stdout}`);
  return out;
}

export function venvDir(): string {
  return join(cacheRoot(), 'corpus', 'venv');
}

export function venvBin(tool: string): string {
  return join(venvDir(), 'bin', tool);
}

export function ensureVenv(): Record<string, string> {
  const py = venvBin('python');
  if (!existsSync(py)) {
    console.log(`creating ${venvDir()}`);
    run('python3', ['-m', 'venv', venvDir()]);
  }
  const freeze = () =>
    Object.fromEntries(
      run(py, ['-m', 'pip', 'freeze', '--all'])
        .stdout.split('\n')
        .flatMap((l) => {
          const m = /^([A-Za-z0-9_.-]+)==(\S+)$/.exec(l.trim());
          return m?.[1] && m[2] ? [[m[1].toLowerCase().replace(/_/g, '-'), m[2]] as const] : [];
        }),
    );
  let have = freeze();
  const missing = VENV_PINS.filter((p) => {
    const [name = '', version] = p.split('==');
    return have[name] !== version;
  });
  if (missing.length > 0) {
    console.log(`pip install ${VENV_PINS.join(' ')}`);
    run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...VENV_PINS]);
    have = freeze();
  }
  return have;
}
