#!/usr/bin/env node
/**
 * The distaudit command line.
 *
 *   distaudit audit <file...> [--format F] [--fail-on S] [--output FILE]
 *   distaudit release <file...> [--format F] [--fail-on S] [--output FILE]
 *   distaudit serve [--port N] [--host H] [--data DIR]
 *   distaudit submit <file...> [--server URL] [--token T] [--release NAME] ...
 *   distaudit inspect <file...> [--json] [--relocations]
 *   distaudit images build [ID...|--all] | list | prune [ID...|--all]
 *
 * Exit codes are in USAGE below and docs/cli.md.
 */
import { parseArgs } from 'node:util';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { toolVersion } from './tool.ts';
import { auditFile } from './audit/audit.ts';
import { FORMATS, render, type Format } from './report/render.ts';
import type { Report } from './report/schema.ts';
import { ALL_CHECKS } from './rules/index.ts';
import { auditRelease } from './release/release.ts';
import { renderRelease } from './release/render.ts';
import type { ReleaseReport } from './release/schema.ts';
import { inspectFile, type InspectResult } from './inspect/inspect.ts';
import { renderInspectText } from './inspect/text.ts';
import { SubmitError, submit } from './client/submit.ts';
import type { RunningService } from './service/serve.ts';
import { DEFAULT_LOAD_SETTINGS, hostLoader, type HostLoader, type LoadSettings } from './load/host.ts';
import { IMAGE_IDS, isImageId } from './load/images/catalog.ts';
import { withLoads } from './load/report.ts';
import type { RunLoadsOptions } from './load/run.ts';
import type { ImageId } from './load/types.ts';

const USAGE = `usage: distaudit <command> [options]

commands:
  audit <file...>     audit artifacts before release: wheels (.whl), JARs (.jar/.war/.ear),
                      npm tarballs (.tgz) and Node addons (.node)
      --format F      text (default), json, markdown, sarif, junit
      --fail-on S     error (default), warning, never: the severity that fails the run
      --output FILE   write the report there instead of standard output
      --load          also load every Linux binary for real, in clean root filesystems of the
                      targets it claims (images built on first use: needs root, bubblewrap,
                      debootstrap; see docs/loads.md); progress goes to standard error
      --images LIST   with --load: only these images (comma-separated; see: distaudit images list)
      --driver D      with --load: bwrap (default) or docker
      --load-timeout S  with --load: kill a load after S seconds (default 30)
  release <file...>   audit several artifacts as one release: each one, plus the coverage
                      matrix (platforms × artifacts), missing common platforms, version skew
      --format F      text (default), json, markdown
      --fail-on S     error (default), warning, never
      --output FILE   write the report there instead of standard output
      --previous FILE the previous release's report (--format json): report dropped
                      platforms and raised glibc / GLIBCXX / macOS floors
  serve               run the service: the HTTP API, dashboard and (with no REDIS_URL) a private
                      Redis and one worker of each kind; settings in docs/service.md
      --port N        listen on this port (default 8080, DISTAUDIT_PORT)
      --host H        listen on this address (default 127.0.0.1, DISTAUDIT_HOST)
      --data DIR      data directory (default ~/.local/share/distaudit, DISTAUDIT_DATA)
  submit <file...>    upload artifacts to a distaudit service, wait for the verdict, print the report
      --server URL    the service (DISTAUDIT_SERVER; default http://127.0.0.1:8080)
      --token T       the project's API token (DISTAUDIT_TOKEN)
      --release NAME  judge the files together as one release (coverage matrix)
      --previous ID   with --release: compare with this earlier release of the project
      --rerun         audit again even if the same bytes were audited before
      --format F      as for audit (with --release: text, json, markdown)
      --fail-on S     error (default), warning, never
      --output FILE   write the report there instead of standard output
      --timeout S     give up waiting after S seconds (default 1800)
  inspect <file...>   print what the ELF / Mach-O / PE parsers read from each file
      --json          everything the parser read, as JSON (default: a readable summary)
      --relocations   include every ELF dynamic relocation entry (JSON)
  images build [ID...|--all]  build the root filesystems real loads run in (as root; minutes each),
                      or unpack cached ones; see docs/loads.md
      --rebuild       build again even if cached
  images list         every image: libc, runtimes, packed size, when built (or "not built")
  images prune [ID...|--all]  remove cached images and their unpacked trees (--all: the cached
                      musl CPython too)
  help                this text
  version             the distaudit version

exit codes:
  audit, release, submit: 0 no finding at or above --fail-on, 1 the gate failed (or the service could not
                  audit an artifact), 2 bad usage, an unreadable input file or an unreachable service
  inspect: 0 success, 1 a file could not be read or parsed, 2 bad usage
  images: 0 success, 1 a build failed or this host cannot build, 2 bad usage`;

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Print = (s: string) => void;

function inspect(args: string[], out: Print, err: Print): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, relocations: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) {
    err('distaudit inspect: name at least one file\n\n' + USAGE);
    return EXIT.usage;
  }
  let code: number = EXIT.ok;
  const results: InspectResult[] = [];
  for (const path of positionals) {
    try {
      const r = inspectFile(path, { relocations: values.relocations });
      if (r.error || !r.parsed) code = EXIT.failed;
      results.push(r);
      if (!values.json) out(renderInspectText(r) + '\n');
    } catch (e) {
      code = EXIT.failed;
      const message = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(e as Error).message}`;
      err(`distaudit inspect: ${message}`);
    }
  }
  if (values.json) out(JSON.stringify(results.length === 1 && positionals.length === 1 ? results[0] : results, null, 2) + '\n');
  return code;
}

const FAIL_ON = ['error', 'warning', 'never'] as const;

function gateFails(failOn: (typeof FAIL_ON)[number], t: { errors: number; warnings: number }): boolean {
  return failOn === 'never' ? false : failOn === 'warning' ? t.errors + t.warnings > 0 : t.errors > 0;
}

function ioError(err: Print, command: string, path: string, e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  err(`distaudit ${command}: ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  return EXIT.usage;
}

async function release(args: string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, 'fail-on': { type: 'string', default: 'error' }, output: { type: 'string' }, previous: { type: 'string' } },
  });
  const format = values.format as 'text' | 'json' | 'markdown';
  const failOn = values['fail-on'] as (typeof FAIL_ON)[number];
  if (!['text', 'json', 'markdown'].includes(format)) return usage(err, '--format must be one of text, json, markdown');
  if (!FAIL_ON.includes(failOn)) return usage(err, `--fail-on must be one of ${FAIL_ON.join(', ')}`);
  if (positionals.length === 0) return usage(err, 'distaudit release: name the artifacts of the release');
  let previous: ReleaseReport | null = null;
  if (values.previous) {
    try {
      previous = JSON.parse(readFileSync(values.previous, 'utf8')) as ReleaseReport;
    } catch (e) {
      return e instanceof SyntaxError ? usage(err, `--previous ${values.previous}: not a release report (JSON): ${e.message}`) : ioError(err, 'release', values.previous, e);
    }
    if (previous?.schemaVersion !== 1 || !previous.matrix) return usage(err, `--previous ${values.previous}: not a distaudit release report (distaudit release --format json)`);
  }
  let report;
  try {
    report = await auditRelease(positionals, { previous });
  } catch (e) {
    return ioError(err, 'release', (e as { path?: string }).path ?? positionals.join(' '), e);
  }
  const text = renderRelease(report, format);
  if (values.output) writeFileSync(values.output, text);
  else out(text);
  return gateFails(failOn, report.overall) ? EXIT.failed : EXIT.ok;
}

async function audit(args: string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      output: { type: 'string' },
      load: { type: 'boolean', default: false },
      images: { type: 'string' },
      driver: { type: 'string', default: 'bwrap' },
      'load-timeout': { type: 'string' },
    },
  });
  const format = values.format as Format;
  const failOn = values['fail-on'] as (typeof FAIL_ON)[number];
  if (!FORMATS.includes(format)) return usage(err, `--format must be one of ${FORMATS.join(', ')}`);
  if (!FAIL_ON.includes(failOn)) return usage(err, `--fail-on must be one of ${FAIL_ON.join(', ')}`);
  if (positionals.length === 0) return usage(err, 'distaudit audit: name at least one file');
  let loader: HostLoader | null = null;
  if (values.load) {
    const settings = loadSettingsFromArgs(values);
    if (typeof settings === 'string') return usage(err, settings);
    loader = hostLoader(settings);
  }

  const reports: Report[] = [];
  for (const path of positionals) {
    try {
      const report = await auditFile(path);
      reports.push(loader ? withLoads(report, await loader.run(path, report, loadProgress(err), (id, stage) => err(`${id}: ${stage}`))) : report);
    } catch (e) {
      return ioError(err, 'audit', path, e);
    }
  }
  const text = render(reports, format, ALL_CHECKS);
  if (values.output) writeFileSync(values.output, text);
  else out(text);
  return reports.some((r) => gateFails(failOn, r.overall)) ? EXIT.failed : EXIT.ok;
}

/** `--load` settings from the command line; a string is a usage error. */
function loadSettingsFromArgs(values: { images?: string; driver?: string; 'load-timeout'?: string }): LoadSettings | string {
  const images = values.images ? values.images.split(',').map((s) => s.trim()) : null;
  const unknown = images?.filter((i) => !isImageId(i)) ?? [];
  if (unknown.length > 0) return `--images: unknown image ${unknown.join(', ')} (known: ${IMAGE_IDS.join(', ')})`;
  if (values.driver !== 'bwrap' && values.driver !== 'docker') return '--driver must be bwrap or docker';
  const timeout = values['load-timeout'] === undefined ? null : Number(values['load-timeout']);
  if (timeout !== null && !(timeout > 0)) return '--load-timeout must be a positive number of seconds';
  const d = DEFAULT_LOAD_SETTINGS;
  return { ...d, driver: values.driver, images: images as ImageId[] | null, limits: { ...d.limits, timeoutMs: timeout === null ? d.limits.timeoutMs : timeout * 1000 } };
}

/** One line per load as it finishes, on standard error (the report goes to standard output). */
function loadProgress(err: Print): RunLoadsOptions['onProgress'] {
  return (e) => {
    if (e.kind !== 'load') return;
    const o = e.outcome;
    err(`[${e.done}/${e.total}] ${o.binary} on ${o.image} (${o.runtime ?? o.probe}): ${o.status}${o.status === 'passed' ? '' : ` — ${o.reason}`}`);
  };
}

async function submitCommand(args: string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      server: { type: 'string', default: process.env.DISTAUDIT_SERVER ?? 'http://127.0.0.1:8080' },
      token: { type: 'string', default: process.env.DISTAUDIT_TOKEN },
      release: { type: 'string' },
      previous: { type: 'string' },
      rerun: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      output: { type: 'string' },
      timeout: { type: 'string', default: '1800' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const failOn = values['fail-on'] as (typeof FAIL_ON)[number];
  const formats: readonly string[] = values.release ? ['text', 'json', 'markdown'] : FORMATS;
  if (!formats.includes(values.format)) return usage(err, `--format must be one of ${formats.join(', ')}`);
  if (!FAIL_ON.includes(failOn)) return usage(err, `--fail-on must be one of ${FAIL_ON.join(', ')}`);
  if (positionals.length === 0) return usage(err, 'distaudit submit: name at least one file');
  if (!values.token) return usage(err, 'distaudit submit: give the project token with --token or DISTAUDIT_TOKEN');
  if (values.previous && !values.release) return usage(err, '--previous needs --release');
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) return usage(err, '--timeout must be a number of seconds');
  const tty = process.stderr.isTTY === true;
  try {
    const result = await submit(
      {
        server: values.server,
        token: values.token,
        files: positionals,
        release: values.release ?? null,
        previous: values.previous ?? null,
        rerun: values.rerun,
        format: values.format,
        timeoutMs: timeout * 1000,
        progress: values.quiet ? 'none' : tty ? 'bar' : 'lines',
      },
      err,
      (line) => void process.stderr.write(`\r\x1b[2K${line}`),
    );
    if (values.output) writeFileSync(values.output, result.text);
    else out(result.text);
    return result.overall.some((o) => gateFails(failOn, o)) ? EXIT.failed : EXIT.ok;
  } catch (e) {
    if (!(e instanceof SubmitError)) throw e;
    err(`distaudit submit: ${e.message}`);
    return e.exitCode;
  }
}

async function serve(args: string[], err: Print): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } } });
  const env = { ...process.env, ...(values.data ? { DISTAUDIT_DATA: values.data } : {}) };
  // Loaded here: the other commands need none of the service's dependencies.
  const [{ configFromEnv }, { startService }] = await Promise.all([import('./service/config.ts'), import('./service/serve.ts')]);
  let service: RunningService;
  try {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) return usage(err, '--port must be a port number');
    service = await startService(configFromEnv(env, { ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}) }));
  } catch (e) {
    err(`distaudit serve: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const { url, credentials } = service;
  err(`distaudit serve: listening on ${url} (dashboard ${url}/ui/, API docs ${url}/docs)`);
  if (credentials.defaultProjectFile) err(`  project "default": its API token and webhook secret are in ${credentials.defaultProjectFile}`);
  if (credentials.adminTokenFile) err(`  admin token (creates projects): ${credentials.adminTokenFile}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  err('distaudit serve: stopping (in-flight audits finish or go back to the queue)');
  await service.stop();
  return EXIT.ok;
}

async function images(args: string[], out: Print, err: Print): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { all: { type: 'boolean', default: false }, rebuild: { type: 'boolean', default: false } } });
  // Loaded here: the other commands need none of the image machinery.
  const [{ IMAGE_IDS: ids, isImageId }, store] = await Promise.all([import('./load/images/catalog.ts'), import('./load/images/store.ts')]);
  if (sub === 'list') {
    if (positionals.length > 0 || values.all || values.rebuild) return usage(err, 'distaudit images list: takes no arguments');
    for (const id of ids) {
      const m = store.readManifest(id);
      if (!m) {
        out(`${id.padEnd(24)}not built\n`);
        continue;
      }
      const rt = Object.entries(m.runtimes).map(([name, r]) => (r ? `${name} ${r.version}` : null)).filter(Boolean).join(', ');
      const mb = `${Math.round(m.packedSize / 1e6)} MB`;
      out(`${id.padEnd(24)}${`${m.libc.kind} ${m.libc.version}`.padEnd(13)}${rt.padEnd(46)}${mb.padStart(7)}  built ${m.builtAt.slice(0, 16).replace('T', ' ')}\n`);
    }
    return EXIT.ok;
  }
  if (sub !== 'build' && sub !== 'prune') return usage(err, 'distaudit images: build, list or prune');
  const unknown = positionals.filter((p) => !isImageId(p));
  if (unknown.length > 0) return usage(err, `distaudit images ${sub}: unknown image ${unknown.join(', ')} (known: ${ids.join(', ')})`);
  if (values.all === positionals.length > 0) return usage(err, `distaudit images ${sub}: name images or give --all`);
  const chosen = values.all ? ids : positionals.filter(isImageId);
  if (sub === 'prune') {
    const { removed, bytes } = await store.pruneImages({ all: values.all, ids: chosen });
    for (const path of removed) out(`removed ${path}\n`);
    out(`${removed.length === 0 ? 'nothing to remove' : `freed ${Math.round(bytes / 1e6)} MB`}\n`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  for (const id of chosen) {
    try {
      const image = await store.ensureImage(id, { rebuild: values.rebuild, onProgress: (stage, detail) => err(`${id}: ${stage}…${detail ? ` ${detail}` : ''}`) });
      out(`${id}: ready at ${image.rootfs} (built ${image.manifest.builtAt}, ${image.manifest.buildSeconds} s)\n`);
    } catch (e) {
      const message = (e as Error).message;
      err(`distaudit images build: ${message.includes(id) ? message : `${id}: ${message}`}`);
      code = EXIT.failed;
    }
  }
  return code;
}

function usage(err: Print, message: string): number {
  err(`${message}\n\n${USAGE}`);
  return EXIT.usage;
}

export async function main(argv: string[], out: Print = (s) => void process.stdout.write(s), err: Print = (s) => void process.stderr.write(s + '\n')): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'audit':
        return await audit(rest, out, err);
      case 'release':
        return await release(rest, out, err);
      case 'inspect':
        return inspect(rest, out, err);
      case 'images':
        return await images(rest, out, err);
      case 'serve':
        return await serve(rest, err);
      case 'submit':
        return await submitCommand(rest, out, err);
      case 'version':
      case '--version':
        out(toolVersion() + '\n');
        return EXIT.ok;
      case 'help':
      case '--help':
      case '-h':
      case undefined:
        out(USAGE + '\n');
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        err(`distaudit: unknown command '${command}'\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
    // parseArgs rejects unknown options with a TypeError carrying a clear message.
    if ((e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`distaudit: ${(e as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

// Run when executed (directly, or through the npm bin symlink), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
