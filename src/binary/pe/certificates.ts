/**
 * The attribute certificate table (DataDirectory[4], IMAGE_DIRECTORY_ENTRY_SECURITY).
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format#the-attribute-certificate-table-image-only
 * and "Windows Authenticode Portable Executable Signature Format".
 *
 * Unlike every other directory, its address is a FILE OFFSET (the table is not
 * mapped into memory). It holds WIN_CERTIFICATE entries {dwLength u32,
 * wRevision u16, wCertificateType u16, bCertificate[dwLength - 8]}, each
 * starting on an 8-byte boundary; an Authenticode signature is one entry of
 * type WIN_CERT_TYPE_PKCS_SIGNED_DATA whose bCertificate is a DER PKCS#7
 * SignedData (nested signatures live inside it, as an unsigned attribute).
 *
 * Only the layout is read here; `der` is the byte range a signature check
 * parses and verifies. Anomalies flag what signature tooling has been fooled
 * by: bytes after the table (the table should end the file), dwLength running
 * past the DER (MS13-098), a table inside the headers, lengths below 8.
 *
 * ```ts
 * parseCertificates(reader, dir, sizeOfHeaders, log);
 * // [{ offset: 8408, length: 1496, revision: 0x200, type: 2, typeName: 'WIN_CERT_TYPE_PKCS_SIGNED_DATA', der: { offset: 8416, length: 1482 }, ... }]
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader } from '../reader.ts';
import { SIZEOF, certRevisionName, certTypeName } from './constants.ts';
import type { ByteRange } from '../source.ts';
import type { Certificate, DataDirectory } from './types.ts';

const ASN1_SEQUENCE = 0x30;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The DER SEQUENCE at the start of `[offset, offset + room)`: its full TLV range, or null with an anomaly. */
function derRange(reader: Reader, offset: number, room: number, log: AnomalyLog): ByteRange | null {
  const head = reader.view(offset, Math.min(6, room), 'certificate DER header');
  const bad = (why: string): null => {
    log.add(offset, 'pe.certificates.der', `bCertificate is not a DER SEQUENCE: ${why}`);
    return null;
  };
  if (!head.has(0, 2)) return bad('too short');
  if (head.u8(0) !== ASN1_SEQUENCE) return bad(`tag 0x${head.u8(0).toString(16)}`);
  const first = head.u8(1);
  let headerLength = 2;
  let contentLength = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0) return bad('indefinite length (BER)');
    if (n > 4) return bad(`${n}-byte length`);
    if (!head.has(2, n)) return bad('length cut off');
    contentLength = 0;
    for (let i = 0; i < n; i++) contentLength = contentLength * 256 + head.u8(2 + i);
    headerLength = 2 + n;
  }
  const length = headerLength + contentLength;
  if (length > room) {
    log.add(offset, 'pe.certificates.derTruncated', `DER object of ${length} bytes does not fit in its ${room}-byte bCertificate`);
    return null;
  }
  const slack = room - length;
  if (slack >= 8) {
    log.add(offset + length, 'pe.certificates.trailingData', `${slack} bytes follow the DER object inside dwLength (more than alignment padding)`);
  } else if (slack > 0 && reader.view(offset + length, slack, 'certificate padding').bytes.some((b) => b !== 0)) {
    log.add(offset + length, 'pe.certificates.trailingData', `the ${slack} padding bytes after the DER object are not zero`);
  }
  return { offset, length };
}

export function parseCertificates(reader: Reader, dir: DataDirectory | undefined, sizeOfHeaders: number, log: AnomalyLog): Certificate[] {
  if (!dir || (dir.rva === 0 && dir.size === 0)) return [];
  const start = dir.rva;
  if (dir.size === 0) {
    log.add(dir.entryOffset, 'pe.certificates.empty', `certificate table at offset 0x${start.toString(16)} has size 0`);
    return [];
  }
  if (start < sizeOfHeaders) {
    log.add(dir.entryOffset, 'pe.certificates.inHeaders', `certificate table offset 0x${start.toString(16)} lies inside the headers (SizeOfHeaders 0x${sizeOfHeaders.toString(16)}); not read`);
    return [];
  }
  if (start % 8 !== 0) log.add(start, 'pe.certificates.unaligned', `certificate table offset 0x${start.toString(16)} is not 8-byte aligned`);
  let end = start + dir.size;
  if (end > reader.size) {
    log.add(start, 'pe.certificates.pastEof', `certificate table of ${dir.size} bytes at 0x${start.toString(16)} runs past the end of the ${reader.size}-byte file`);
    end = reader.size;
  } else if (end < reader.size) {
    log.add(end, 'pe.certificates.dataAfter', `${reader.size - end} bytes follow the certificate table (it should end the file)`);
  }
  const certs: Certificate[] = [];
  let pos = start;
  while (pos + SIZEOF.WIN_CERTIFICATE_HEADER <= end) {
    reader.spend(1, pos);
    const h = reader.view(pos, SIZEOF.WIN_CERTIFICATE_HEADER, 'WIN_CERTIFICATE header');
    const length = h.u32(0);
    if (length < SIZEOF.WIN_CERTIFICATE_HEADER) {
      log.add(pos, 'pe.certificates.badLength', `WIN_CERTIFICATE dwLength ${length} is below the 8-byte header`);
      return certs;
    }
    if (pos + length > end) {
      log.add(pos, 'pe.certificates.badLength', `WIN_CERTIFICATE dwLength ${length} runs past the end of the certificate table (0x${end.toString(16)})`);
      return certs;
    }
    const revision = h.u16(4);
    const type = h.u16(6);
    const der = log.attempt('pe.certificates.der', () => derRange(reader, pos + 8, length - 8, log)) ?? null;
    certs.push({ offset: pos, length, revision, revisionName: certRevisionName(revision), type, typeName: certTypeName(type), der });
    pos += align8(length);
  }
  if (pos < end) log.add(pos, 'pe.certificates.trailingData', `${end - pos} bytes at the end of the certificate table are not a WIN_CERTIFICATE`);
  return certs;
}
