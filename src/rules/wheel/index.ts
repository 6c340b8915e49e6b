/**
 * The wheel-structure rules, in report order: the filename and its tags, the
 * .dist-info directory, RECORD, the contents, then extension-module names vs
 * the tags. src/rules/index.ts lists them with the other families.
 */
import type { Rule } from '../../audit/types.ts';
import { wheelContentsRule } from './contents.ts';
import { wheelDistInfoRule } from './dist-info.ts';
import { extensionTagRule } from './extension-tag.ts';
import { wheelFilenameRule } from './filename.ts';
import { wheelRecordRule } from './record.ts';

export const WHEEL_RULES: Rule[] = [wheelFilenameRule, wheelDistInfoRule, wheelRecordRule, wheelContentsRule, extensionTagRule];

export { wheelContentsRule, wheelDistInfoRule, extensionTagRule, wheelFilenameRule, wheelRecordRule };
