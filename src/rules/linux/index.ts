/**
 * The Linux (ELF) rules, in report order: ELF checks per target, dependency
 * closure, SONAME discipline, then the tag the wheel deserves.
 */
import type { Rule } from '../../audit/types.ts';
import { depsRule } from './deps.ts';
import { deservedTagRule } from './deserved.ts';
import { elfRule } from './elf-checks.ts';
import { sonameRule } from './soname.ts';

export { depsRule } from './deps.ts';
export { deservedTagRule } from './deserved.ts';
export { elfRule } from './elf-checks.ts';
export { sonameRule } from './soname.ts';

export const LINUX_RULES: Rule[] = [elfRule, depsRule, sonameRule, deservedTagRule];
