#!/usr/bin/env node
/**
 * The distaudit command line.
 *
 *   distaudit inspect <file...> [--json] [--relocations]
 *
 * Exit codes: 0 success, 1 a file could not be read or parsed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspectFile, type InspectResult } from './inspect/inspect.ts';
import { renderInspectText } from './inspect/text.ts';

const USAGE = `usage: distaudit <command> [options]

commands:
  inspect <file...>   print what the ELF / Mach-O / PE parsers read from each file
      --json          everything the parser read, as JSON (default: a readable summary)
      --relocations   include every ELF dynamic relocation entry (JSON)
  help                this text
  version             the distaudit version

exit codes: 0 success, 1 a file could not be read or parsed, 2 bad usage`;

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Print = (s: string) => void;

/** The version in our package.json, found upwards from this module (src/ under tsx, dist/src/ when built). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

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

export function main(argv: string[], out: Print = (s) => void process.stdout.write(s), err: Print = (s) => void process.stderr.write(s + '\n')): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return inspect(rest, out, err);
      case 'version':
      case '--version':
        out(version() + '\n');
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
  process.exitCode = main(process.argv.slice(2));
}
