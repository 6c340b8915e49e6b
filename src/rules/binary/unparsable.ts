/**
 * Entries whose magic bytes say ELF, Mach-O or PE but whose headers cannot be
 * read: nothing else about them can be checked, and the loader will refuse
 * them too (`invalid ELF header`, `not a mach-o file`, `%1 is not a valid Win32
 * application`).
 */
import type { Check, Rule } from '../../audit/types.ts';

export const UNPARSABLE_BINARY: Check = {
  id: 'binary.unparsable',
  severity: 'error',
  title: 'A native binary is malformed',
  explain:
    'The file starts like an ELF, Mach-O or PE binary, but its headers are truncated or inconsistent, so it cannot be checked — and the platform loader will refuse it (`invalid ELF header`, `not a mach-o file`, `is not a valid Win32 application`).',
  fix: 'Rebuild the binary; check that the build did not truncate or patch it (a failed `strip`, `patchelf` or `install_name_tool`).',
};

export const unparsableRule: Rule = {
  name: 'unparsable',
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [UNPARSABLE_BINARY],
  run(ctx) {
    for (const u of ctx.unparsable) {
      ctx.report(UNPARSABLE_BINARY, {
        message: `${u.path}: ${u.reason} (offset 0x${u.offset.toString(16)})`,
        file: u.path,
        evidence: { offset: u.offset, reason: u.reason },
      });
    }
  },
};
