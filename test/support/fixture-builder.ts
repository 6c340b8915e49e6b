/**
 * Builds test fixtures from sources in native/ once per machine and caches them
 * outside the repository (under cacheRoot()/fixtures). A recipe's cache key is
 * the hash of its build function's text and of every source file it names, so
 * editing either rebuilds. Builds go to a temporary directory renamed into
 * place, so test files running in parallel never see half-built fixtures.
 *
 * A missing tool is a loud failure naming the tool and how to get it, never a skip.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../src/cache-dir.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const nativeDir = join(repoRoot, 'native');

export interface BuildContext {
  /** Absolute path of a source file under native/. */
  src(rel: string): string;
  /** Absolute path of an output file in the build directory. */
  out(rel: string): string;
  /** Runs a command in the build directory; its output is returned, failures throw with stderr. */
  run(cmd: string, args: string[], opts?: { env?: Record<string, string>; input?: string }): string;
}

export interface Recipe {
  /** Directory name in the cache. */
  name: string;
  /** Files under native/ the build reads (hashed into the cache key). */
  sources: string[];
  /** Commands the build needs; each is checked before building. */
  tools: string[];
  build(ctx: BuildContext): void;
  /** Output file names the build must produce. */
  outputs: string[];
}

const INSTALL_HINT = 'run `bash .ci/run` (it apt-installs every toolchain the tests use)';

export function toolPath(tool: string): string {
  if (tool.startsWith('/')) {
    if (!existsSync(tool)) throw new Error(`fixture tool ${tool} is missing: ${INSTALL_HINT}`);
    return tool;
  }
  try {
    return execFileSync('sh', ['-c', `command -v "${tool}"`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`fixture tool '${tool}' is not on PATH: ${INSTALL_HINT}`);
  }
}

function recipeKey(recipe: Recipe): string {
  const h = createHash('sha256');
  h.update(recipe.name).update('\0').update(recipe.build.toString()).update('\0');
  h.update(recipe.outputs.join('\n')).update('\0').update(recipe.tools.join('\n'));
  for (const s of recipe.sources) h.update('\0').update(s).update('\0').update(readFileSync(join(nativeDir, s)));
  return h.digest('hex').slice(0, 16);
}

const built = new Map<string, Record<string, string>>();

/** Builds (or finds in the cache) a recipe's outputs; returns output name → absolute path. */
export function buildRecipe(recipe: Recipe): Record<string, string> {
  const memo = built.get(recipe.name);
  if (memo) return memo;
  const dir = join(cacheRoot(), 'fixtures', `${recipe.name}-${recipeKey(recipe)}`);
  if (!existsSync(join(dir, '.done'))) {
    for (const t of recipe.tools) toolPath(t);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    const ctx: BuildContext = {
      src: (rel) => join(nativeDir, rel),
      out: (rel) => join(tmp, rel),
      run(cmd, args, opts) {
        try {
          return execFileSync(cmd, args, {
            cwd: tmp,
            encoding: 'utf8',
            env: { ...process.env, LC_ALL: 'C', ...opts?.env },
            input: opts?.input,
            stdio: ['pipe', 'pipe', 'pipe'],
          });
        } catch (e) {
          const err = e as { stderr?: string; stdout?: string; message: string };
          throw new Error(`fixture ${recipe.name}: ${cmd} ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`, { cause: e });
        }
      },
    };
    try {
      recipe.build(ctx);
      for (const o of recipe.outputs) {
        if (!existsSync(join(tmp, o))) throw new Error(`fixture ${recipe.name}: build did not produce ${o}`);
      }
      writeFileSync(join(tmp, '.done'), new Date().toISOString());
      try {
        renameSync(tmp, dir);
      } catch (e) {
        // Another test process finished the same build first: use its output.
        if (!existsSync(join(dir, '.done'))) throw e;
        rmSync(tmp, { recursive: true, force: true });
      }
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }
  const paths = Object.fromEntries(recipe.outputs.map((o) => [o, join(dir, o)]));
  built.set(recipe.name, paths);
  return paths;
}
