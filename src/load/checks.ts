/**
 * The findings real loads add to a report: a binary that fails, crashes or
 * hangs when loaded in a clean system of a target it claims. Each names the
 * image, the runtime and the loader's own words, and the static finding that
 * predicted it — or says that none did.
 */
import type { Check } from '../audit/types.ts';

const SURPRISE =
  'When no static finding predicted the failure, the report says so: that is a gap in distaudit\'s static checks or something particular to the image, and worth reporting to the distaudit maintainers with the artifact.';

export const LOAD_FAILED: Check = {
  id: 'load.failed',
  severity: 'error',
  title: 'Fails to load in a clean system of a claimed target',
  explain:
    'distaudit loaded the binary the way its users\' runtime does (Python import, Java `System.load`, Node `process.dlopen` with RTLD_NOW, or a raw `dlopen`) in a clean root filesystem that stands for a target the artifact claims, with symbols bound at load time, and the loader or runtime refused it. ' +
    'Users on that system get the same message. ' +
    SURPRISE,
  fix: 'Fix what the predicting finding says (its own hint is specific); the loader\'s words in the evidence name the missing library, symbol or version. Then audit again.',
};

export const LOAD_CRASHED: Check = {
  id: 'load.crashed',
  severity: 'error',
  title: 'Crashes when loaded',
  explain:
    'Loading the binary in a clean system of a claimed target killed the process with a signal (SIGSEGV, SIGBUS, SIGILL, SIGABRT...): a truncated or corrupt file, an instruction the target\'s CPUs lack, or a constructor or init function that crashes. Users\' processes die the same way, without an error message. ' +
    SURPRISE,
  fix: 'Reproduce with the image named in the evidence and a debugger; check the file is complete and built for the target\'s baseline CPU.',
};

export const LOAD_TIMED_OUT: Check = {
  id: 'load.timed-out',
  severity: 'error',
  title: 'Hangs when loaded',
  explain:
    'Loading the binary did not finish within the load time limit, so the sandbox was killed: a constructor, `JNI_OnLoad`, module init or `PyInit` that blocks or spins. Users\' `import` / `require` / `System.load` hangs the same way.',
  fix: 'Keep work out of load-time code: no network, no waiting on other threads, no unbounded loops in constructors and init functions.',
};

export const LOAD_CHECKS: readonly Check[] = [LOAD_FAILED, LOAD_CRASHED, LOAD_TIMED_OUT];
