/**
 * The JAR rules, in report order: JNI bindings against the classes, the
 * manifest's Bundle-NativeCode and other path claims, then musl availability.
 * The binary, Linux, macOS and Windows rules apply to JAR natives too (their
 * kinds include 'jar'), judged against the targets the natives' paths claim.
 */
import type { Rule } from '../../audit/types.ts';
import { jniRule } from './jni.ts';
import { muslRule } from './musl.ts';
import { nativeCodeRule } from './native-code.ts';

export { jniRule } from './jni.ts';
export { muslRule } from './musl.ts';
export { nativeCodeRule } from './native-code.ts';

export const JAR_RULES: Rule[] = [jniRule, nativeCodeRule, muslRule];
