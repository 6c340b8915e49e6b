/**
 * Checks on a release as a whole (several artifacts judged together). They are
 * documented with the per-artifact checks in docs/checks.md.
 */
import type { Check } from '../audit/types.ts';

export const RELEASE_CHECKS = {
  missingPlatform: {
    id: 'release.missing-platform',
    severity: 'warning',
    title: 'A common platform has no build in the release',
    explain:
      'None of the release\'s artifacts claims one of the platforms most users run on (Linux x86_64 and arm64 with glibc and with musl, macOS x86_64 and arm64, Windows x86_64 and arm64). Users there get no prebuilt binary: pip falls back to building the sdist (and fails without a compiler), npm to `node-gyp rebuild` or a missing optional dependency ("Cannot find module @scope/pkg-linux-arm64-musl"), and Alpine users of a manylinux-only release get "no matching distribution".',
    fix: 'Add the build to the release matrix (cibuildwheel, the napi-rs CLI `--target`, prebuildify-cross), or state in the package documentation that the platform is not supported.',
  },
  versionSkew: {
    id: 'release.version-skew',
    severity: 'error',
    title: 'The artifacts of one release carry different versions',
    explain:
      'Artifacts released together should all be of one version. A wheel or platform package left over from an older build is installed on its platform while the others get the new code, so users on different platforms run different releases.',
    fix: 'Rebuild every artifact from the same tag and publish them together.',
  },
  mixedProjects: {
    id: 'release.mixed-projects',
    severity: 'error',
    title: 'The artifacts belong to different projects',
    explain: 'The artifacts named as one release carry different distribution or package names (a per-platform npm package pinned by its root package counts as part of the root\'s project).',
    fix: 'Audit each project\'s release on its own.',
  },
  missingPackage: {
    id: 'release.missing-package',
    severity: 'error',
    title: 'A pinned platform package is missing from the release',
    explain:
      'The root npm package pins a per-platform package in optionalDependencies (the @napi-rs/cli layout), but that package is not part of the release. On that platform npm installs nothing native and the loader fails with "Cannot find module" — the npm optional-dependency trap of npm/cli#4828, now for everyone.',
    fix: 'Publish the platform package at exactly the pinned version before (or with) the root package.',
  },
  pinMismatch: {
    id: 'release.pin-mismatch',
    severity: 'error',
    title: 'A platform package is not at the version the root package pins',
    explain:
      'The root npm package pins its per-platform packages at exact versions. A platform package of another version is not installed by npm (or, from a mirror that lags, an older one is), and the napi-rs loader only notices with NAPI_RS_ENFORCE_VERSION_CHECK set.',
    fix: 'Publish every platform package at the root\'s version.',
  },
  platformDropped: {
    id: 'release.platform-dropped',
    severity: 'error',
    title: 'A platform the previous release covered is gone',
    explain:
      'The previous release of the project had a build for this platform and this one has none. Users there who upgrade get a source build (pip), a failed optional dependency (npm) or no native library at all (JAR), or stay on the old version without knowing why.',
    fix: 'Restore the build in the release matrix, or announce that the platform is no longer supported before releasing.',
  },
  floorRaised: {
    id: 'release.floor-raised',
    severity: 'warning',
    title: 'A binary needs a newer glibc, libstdc++ or macOS than the previous release did',
    explain:
      'The highest glibc or GLIBCXX symbol version, or the minimum macOS, that the release\'s binaries for a platform require rose since the previous release. Users whose systems sit between the two floors could load the previous release and cannot load this one (``version `GLIBC_2.34\' not found``, "built for macOS 13.0 which is newer than running OS").',
    fix: 'Build on the same (older) build image or SDK as before, or raise the claimed floor on purpose and say so in the release notes.',
  },
} as const satisfies Record<string, Check>;
