#!/usr/bin/env node
/**
 * The distaudit command line.
 *
 *   distaudit audit <file...> [--format F] [--fail-on S] [--output FILE]
 *   distaudit release <file...> [--format F] [--fail-on S] [--output FILE]
 *   distaudit serve [--port N] [--host H] [--data DIR]
 *   distaudit submit <file...> [--server URL] [--token T] [--release NAME] ...
 *   distaudit inspect <file...> [--json] [--relocations]
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

const USAGE = `usage: distaudit <command> [options]

commands:
  audit <file...>     audit artifacts before release: wheels (.whl), JARs (.jar/.war/.ear),
                      npm tarballs (.tgz) and Node addons (.node)
      --format F      text (default), json, markdown, sarif, junit
      --fail-on S     error (default), warning, never: the severity that fails the run
      --output FILE   write the report there instead of standard output
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
  help                this text
  version             the distaudit version

exit codes:
  audit, release, submit: 0 no finding at or above --fail-on, 1 the gate failed (or the service could not
                  audit an artifact), 2 bad usage, an unreadable input file or an unreachable service
  inspect: 0 success, 1 a file could not be read or parsed, 2 bad usage`;

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
    },
  });
  const format = values.format as Format;
  const failOn = values['fail-on'] as (typeof FAIL_ON)[number];
  if (!FORMATS.includes(format)) return usage(err, `--format must be one of ${FORMATS.join(', ')}`);
  if (!FAIL_ON.includes(failOn)) return usage(err, `--fail-on must be one of ${FAIL_ON.join(', ')}`);
  if (positionals.length === 0) return usage(err, 'distaudit audit: name at least one file');

  const reports: Report[] = [];
  for (const path of positionals) {
    try {
      reports.push(await auditFile(path));
    } catch (e) {
      return ioError(err, 'audit', path, e);
    }
  }
  const text = render(reports, format, ALL_CHECKS);
  if (values.output) writeFileSync(values.output, text);
  else out(text);
  return reports.some((r) => gateFails(failOn, r.overall)) ? EXIT.failed : EXIT.ok;
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
