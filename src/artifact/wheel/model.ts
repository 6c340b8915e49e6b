/**
 * PLACEHOLDER — being written: the wheel model (filename, tags, METADATA,
 * WHEEL, RECORD) built from an archive scan.
 */
export interface WheelModel {
  filename: string;
}
