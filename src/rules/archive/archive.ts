/**
 * What the archive reader found wrong with the container itself: hostile
 * names, links, bombs, encryption, framing that different tools read
 * differently. One check per problem code, so each has its own documentation.
 */
import type { ArchiveProblemCode } from '../../artifact/archive/types.ts';
import type { Check, Rule } from '../../audit/types.ts';

const PARSER_DIFFERENTIAL =
  'Installers, PyPI and scanners read zip files with different parsers; bytes that one parser sees and another does not are how malicious content slips past review. PyPI refuses such archives.';

export const ARCHIVE_CHECKS: Record<ArchiveProblemCode, Check> = {
  unreadable: {
    id: 'archive.unreadable',
    severity: 'error',
    title: 'The archive cannot be read',
    explain: 'The file is not a valid archive of its kind (no readable central directory, truncated, or not a zip at all), so nothing in it could be examined. pip fails with `zipfile.BadZipFile` or `is not a valid wheel filename`.',
    fix: 'Rebuild the artifact with the standard tools (`python -m build`, `pip wheel`, `maturin`, `jar`, `npm pack`) and upload the file they wrote, byte for byte.',
  },
  'path-traversal': {
    id: 'archive.path-traversal',
    severity: 'error',
    title: 'An entry escapes the archive root',
    explain: `An entry name contains \`..\` segments, is absolute, or uses a drive letter or backslashes. Extracting it writes outside the target directory (zip slip). ${PARSER_DIFFERENTIAL}`,
    fix: 'Entries must be relative paths with forward slashes and no `..` segments.',
  },
  'invalid-name': {
    id: 'archive.invalid-name',
    severity: 'error',
    title: 'An entry name is invalid',
    explain: 'An entry name is empty, too long (or has a path component over 255 bytes), not valid UTF-8, or contains NUL, control or bidirectional-override characters. File systems and tools disagree about such names, and bidirectional overrides make a name display as something it is not.',
    fix: 'Use plain UTF-8 relative paths.',
  },
  symlink: {
    id: 'archive.symlink',
    severity: 'error',
    title: 'The archive contains a symbolic link',
    explain: 'Wheels, JARs and npm packages cannot carry symbolic links portably: pip extracts the link target as a regular file on some platforms, and a link pointing outside the install directory is a way to overwrite other files.',
    fix: 'Copy the file instead of linking it (for shared libraries: give the file its SONAME and drop the link).',
  },
  'special-file': {
    id: 'archive.special-file',
    severity: 'error',
    title: 'The archive contains a device, FIFO or other special file',
    explain: 'Only regular files and directories belong in a package archive; an entry whose Unix mode says device, FIFO or socket (or, in a tarball, a hard link) cannot be installed portably.',
    fix: 'Remove the entry.',
  },
  'duplicate-entry': {
    id: 'archive.duplicate-entry',
    severity: 'error',
    title: 'Two entries have the same name',
    explain: `Which of two same-named entries gets installed depends on the tool: Python's zipfile takes the last, others the first. distaudit reads and checks both copies. ${PARSER_DIFFERENTIAL}`,
    fix: 'Rebuild the archive so every name appears once.',
  },
  'case-collision': {
    id: 'archive.case-collision',
    severity: 'warning',
    title: 'Two entry names differ only in case',
    explain: 'On macOS and Windows (case-insensitive file systems) the two entries overwrite each other at install time.',
    fix: 'Rename one of them.',
  },
  'encrypted-entry': {
    id: 'archive.encrypted-entry',
    severity: 'error',
    title: 'An entry is encrypted',
    explain: 'An encrypted entry cannot be installed or inspected.',
    fix: 'Do not encrypt package archives.',
  },
  'unsupported-compression': {
    id: 'archive.unsupported-compression',
    severity: 'error',
    title: 'An entry uses an unsupported compression method',
    explain:
      'Zip: only stored (0) and deflate (8) are allowed in wheels and JARs and accepted by PyPI; other methods fail in some installers. npm tarballs: only gzip is read by `npm install` (a zstd, bzip2 or xz tarball is not).',
    fix: 'Rebuild with deflate (zip) or gzip (npm pack).',
  },
  'entry-too-large': {
    id: 'archive.entry-too-large',
    severity: 'error',
    title: 'An entry inflates beyond the size limit',
    explain: 'One entry declares or inflates to more bytes than the audit allows; it was not read in full.',
    fix: 'If the entry is genuine, raise the limit for this audit; otherwise remove it.',
  },
  'compression-ratio': {
    id: 'archive.compression-ratio',
    severity: 'error',
    title: 'Content inflates like a decompression bomb',
    explain:
      'A zip entry, or the gzip stream of a tarball, inflates to far more than its compressed size allows for real content. Inflation was stopped as soon as the ratio was crossed.',
    fix: 'Remove the entry.',
  },
  'total-too-large': {
    id: 'archive.total-too-large',
    severity: 'error',
    title: 'The archive inflates beyond the total size limit',
    explain: 'All entries together inflate to more bytes than the audit allows; the rest were not read.',
    fix: 'If the artifact is genuine, raise the limit for this audit.',
  },
  'too-many-entries': {
    id: 'archive.too-many-entries',
    severity: 'error',
    title: 'The archive has too many entries',
    explain: 'The archive holds more entries than the audit allows; it was not read.',
    fix: 'If the artifact is genuine, raise the limit for this audit.',
  },
  'header-mismatch': {
    id: 'archive.header-mismatch',
    severity: 'error',
    title: 'Readers of the archive would see different entries',
    explain: `Zip: the name, method or sizes in an entry's local header differ from its central-directory record, so tools that read one or the other see different files. Tar: a header that npm's tar parser and other tar readers interpret differently (a link target on a file, a global pax size or path). ${PARSER_DIFFERENTIAL}`,
    fix: 'Rebuild the archive with a standard writer (zip, `npm pack`).',
  },
  'corrupt-entry': {
    id: 'archive.corrupt-entry',
    severity: 'error',
    title: 'An entry is corrupt',
    explain:
      'The inflated data does not match the size or CRC-32 its headers declare, or does not inflate, or (tar) the stream ends inside an entry or the gzip trailer does not match. pip fails with `Bad CRC-32` or `Error -3 while decompressing data`; npm with `TAR_BAD_ARCHIVE` or `zlib: unexpected end of file`.',
    fix: 'Rebuild the archive; check the upload was not truncated or altered.',
  },
  'overlapping-entries': {
    id: 'archive.overlapping-entries',
    severity: 'error',
    title: 'Entries overlap each other',
    explain: `Two entries share bytes: one entry's data contains another's local header, or both point at the same header. This is how non-recursive zip bombs make a few kilobytes inflate to gigabytes, and how different tools are made to see different files. The overlapping entries were not inflated. ${PARSER_DIFFERENTIAL}`,
    fix: 'Rebuild the archive with a standard zip writer.',
  },
  'leading-data': {
    id: 'archive.leading-data',
    severity: 'error',
    title: 'Bytes before the first entry',
    explain:
      `The archive starts with bytes that belong to no entry (a prepended file, a self-extractor stub). ${PARSER_DIFFERENTIAL} ` +
      'In a JAR it is a warning: Spring Boot\'s "fully executable" JARs start with a launch script, and the JDK reads the archive past it.',
    fix: 'Upload the archive as the build tool wrote it.',
  },
  'trailing-data': {
    id: 'archive.trailing-data',
    severity: 'error',
    title: 'Bytes after the end of the archive',
    explain: `The file continues after its end: after a zip's end-of-central-directory record, or after a tarball's end-of-archive blocks or gzip stream (an appended file or archive, a polyglot). ${PARSER_DIFFERENTIAL}`,
    fix: 'Upload the archive as the build tool wrote it.',
  },
  'hidden-data': {
    id: 'archive.hidden-data',
    severity: 'error',
    title: 'Bytes between entries that no header accounts for',
    explain: `Data sits where some tools will not look: in a zip, between entries, after an entry's deflate stream, between the last entry and the central directory, in central-directory bytes beyond the counted entries, or between the central directory and the end record; in a tarball, entries after a lone zero block (npm reads on, GNU tar stops). ${PARSER_DIFFERENTIAL}`,
    fix: 'Rebuild the archive with a standard writer (zip, `npm pack`).',
  },
};

export const archiveRule: Rule = {
  name: 'archive',
  kinds: ['wheel', 'jar', 'npm'],
  checks: Object.values(ARCHIVE_CHECKS),
  run(ctx) {
    for (const p of ctx.scan.problems) {
      // A JAR may start with a launch script (Spring Boot's executable JARs): java -jar reads past it.
      const launcher = p.code === 'leading-data' && ctx.artifact.kind === 'jar';
      ctx.report(ARCHIVE_CHECKS[p.code], {
        message: launcher ? `${p.message}; java -jar reads past it (an executable JAR's launch script), other zip tools may not` : p.message,
        file: p.path,
        severity: launcher ? 'warning' : undefined,
        evidence: { code: p.code, fatal: p.fatal },
      });
    }
  },
};
