// Audits one file with the BUILT distaudit (dist/, as shipped: no TypeScript
// loader in the process) and prints {ms, maxRssKb, verdict, binaries} as JSON.
// bench/wheel-audit.ts builds dist/ and runs this in a child process, so the
// peak RSS measured is the audit's own.
import { auditFile } from '../dist/src/audit/audit.js';

const path = process.argv[2];
if (!path) throw new Error('usage: audit-one.mjs <file>');
const t0 = performance.now();
const r = await auditFile(path);
console.log(JSON.stringify({ ms: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS, verdict: r.overall.verdict, binaries: r.binaries.length }));
