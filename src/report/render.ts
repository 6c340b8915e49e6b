/**
 * One entry point for every output format, for one report or several (one
 * per artifact named on the command line).
 */
import type { Check } from '../audit/types.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSarif } from './sarif.ts';
import type { Report } from './schema.ts';
import { renderText } from './text.ts';

export const FORMATS = ['text', 'json', 'markdown', 'sarif', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export function render(reports: readonly Report[], format: Format, checks: readonly Check[]): string {
  switch (format) {
    case 'text':
      return reports.map(renderText).join('\n\n') + '\n';
    case 'json':
      return JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n';
    case 'markdown':
      return reports.map(renderMarkdown).join('\n');
    case 'sarif': {
      // One SARIF log, one run per artifact.
      const logs = reports.map((r) => JSON.parse(renderSarif(r, checks)) as { runs: unknown[] });
      return JSON.stringify({ ...logs[0], runs: logs.flatMap((l) => l.runs) }, null, 2) + '\n';
    }
    case 'junit': {
      const suites = reports.map((r) => /<testsuites name="distaudit">\n([\s\S]*)\n<\/testsuites>/.exec(renderJunit(r))?.[1] ?? '');
      return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="distaudit">\n${suites.join('\n')}\n</testsuites>\n`;
    }
  }
}
