/**
 * Every rule distaudit runs, in report order. Adding a check: add its module
 * here (see src/audit/types.ts), then `npm run docs`.
 */
import { AUDIT_CHECKS } from '../audit/checks.ts';
import type { Check, Rule } from '../audit/types.ts';
import { RELEASE_CHECKS } from '../release/checks.ts';
import { LOAD_CHECKS } from '../load/checks.ts';
import { archiveRule } from './archive/archive.ts';
import { unparsableRule } from './binary/unparsable.ts';
import { binaryPlatformRule } from './binary/platform.ts';
import { WHEEL_RULES } from './wheel/index.ts';
import { LINUX_RULES } from './linux/index.ts';
import { macosRule } from './macos/macos.ts';
import { windowsPythonRule, windowsRule } from './windows/windows.ts';
import { abi3Rule } from './python/abi3.ts';
import { initFunctionRule } from './python/init-function.ts';
import { JAR_RULES } from './jar/index.ts';
import { NODE_RULES } from './node/index.ts';

export const RULES: Rule[] = [
  archiveRule,
  unparsableRule,
  binaryPlatformRule,
  ...WHEEL_RULES,
  ...LINUX_RULES,
  macosRule,
  windowsPythonRule,
  windowsRule,
  abi3Rule,
  initFunctionRule,
  ...JAR_RULES,
  ...NODE_RULES,
];

/** Every documented check: the rules', and the release-level ones (docs/checks.md). */
export const DOCUMENTED_CHECKS: readonly { checks: readonly Check[]; kinds: readonly string[] }[] = [
  { checks: AUDIT_CHECKS, kinds: ['all'] },
  ...RULES,
  { checks: LOAD_CHECKS, kinds: ['wheel', 'jar', 'npm', 'node-addon'] },
  { checks: Object.values(RELEASE_CHECKS), kinds: ['release'] },
];

/** Every check a report can name (for SARIF rule metadata). */
export const ALL_CHECKS: readonly Check[] = DOCUMENTED_CHECKS.flatMap((g) => g.checks);
