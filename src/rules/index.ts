/**
 * Every rule distaudit runs, in report order. Adding a check: add its module
 * here (see src/audit/types.ts).
 */
import type { Rule } from '../audit/types.ts';

export const RULES: Rule[] = [];
