/**
 * The Node addon and npm package rules, in report order: what each addon's
 * bytes say against its claims (family `node`), how the package delivers its
 * native code (`npm`), and what node-gyp-build picks on common systems. The
 * binary, Linux, macOS and Windows rules apply to Node addons too (their kinds
 * include 'npm' and 'node-addon'), judged against the targets each file's
 * prebuild directory, package fields or own facts claim.
 */
import type { Rule } from '../../audit/types.ts';
import { nodeAddonRule } from './addon.ts';
import { npmPackageRule } from './package.ts';
import { npmSelectionRule } from './selection.ts';

export { nodeAddonRule } from './addon.ts';
export { npmPackageRule } from './package.ts';
export { npmSelectionRule } from './selection.ts';

export const NODE_RULES: Rule[] = [nodeAddonRule, npmPackageRule, npmSelectionRule];
