/** Small helpers for the TypeBox schemas that define our public data (report, targets, findings). */
import { Type, type TSchema } from 'typebox';

/** `T | null`, as JSON Schema `anyOf: [T, {type: 'null'}]`. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
