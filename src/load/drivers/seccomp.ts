/**
 * The seccomp filter every load runs under (bwrap --seccomp): a short deny
 * list, everything else allowed. Namespaces, the read-only root and the
 * dropped capabilities already contain a load; this takes away what they
 * leave open:
 * - ptrace, process_vm_readv/writev: a load could otherwise stop and rewrite
 *   the sandbox's own pid 1 (bwrap's init runs as the same uid without
 *   capabilities, so the kernel allows it), hanging the run until the watchdog;
 * - keyctl, add_key, request_key: the kernel keyrings are not namespaced;
 * - bpf, perf_event_open, userfaultfd: kernel attack surface no loader needs
 *   (Docker's default profile refuses them too).
 * Each fails with EPERM, as a missing privilege would.
 *
 * The program is classic BPF over struct seccomp_data (linux/seccomp.h: nr at
 * offset 0, arch at 4), one block of syscall numbers per architecture a load
 * can run as (x86_64 with its i386 and x32 ABIs, aarch64; qemu-user makes
 * host syscalls, so emulated images get the host's block).
 *
 *   const program = seccompProgram();   // bytes for bwrap --seccomp FD
 */
import { endianness } from 'node:os';

/** Syscall numbers from asm/unistd_64.h, asm/unistd_32.h and asm-generic/unistd.h. */
const DENIED: Record<'x86_64' | 'i386' | 'aarch64', { audit: number; nrs: Record<string, number> }> = {
  // AUDIT_ARCH_* = EM_* | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000)
  x86_64: {
    audit: 0xc000003e,
    nrs: { ptrace: 101, process_vm_readv: 310, process_vm_writev: 311, keyctl: 250, add_key: 248, request_key: 249, bpf: 321, perf_event_open: 298, userfaultfd: 323 },
  },
  i386: {
    audit: 0x40000003,
    nrs: { ptrace: 26, process_vm_readv: 347, process_vm_writev: 348, keyctl: 288, add_key: 286, request_key: 287, bpf: 357, perf_event_open: 336, userfaultfd: 374 },
  },
  aarch64: {
    audit: 0xc00000b7,
    nrs: { ptrace: 117, process_vm_readv: 270, process_vm_writev: 271, keyctl: 219, add_key: 217, request_key: 218, bpf: 280, perf_event_open: 241, userfaultfd: 282 },
  },
};

const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_JMP_JGE_K = 0x35;
const BPF_RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
/** x32 syscalls are x86_64 numbers with this bit set; no load needs the x32 ABI. */
const X32_SYSCALL_BIT = 0x40000000;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Syscall names the filter refuses (the same on every architecture). */
export const DENIED_SYSCALLS = Object.keys(DENIED.x86_64.nrs);

/** The filter as bytes of struct sock_filter[] in this host's byte order. */
export function seccompProgram(): Buffer {
  // Jumps to the shared "deny" at the end (toDeny) are resolved once the program's length is known.
  const prog: Array<Insn & { toDeny?: boolean }> = [{ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARCH }];
  for (const [name, { audit, nrs }] of Object.entries(DENIED)) {
    const block: Array<Insn & { toDeny?: boolean }> = [{ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_NR }];
    if (name === 'x86_64') block.push({ code: BPF_JMP_JGE_K, jt: 0, jf: 0, k: X32_SYSCALL_BIT, toDeny: true });
    for (const nr of Object.values(nrs)) block.push({ code: BPF_JMP_JEQ_K, jt: 0, jf: 0, k: nr, toDeny: true });
    block.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
    // Not this architecture: skip its block (the accumulator still holds the arch).
    prog.push({ code: BPF_JMP_JEQ_K, jt: 0, jf: block.length, k: audit }, ...block);
  }
  prog.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW }); // an architecture not listed: no numbers to deny
  const deny = prog.length;
  prog.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM });

  const buf = Buffer.alloc(prog.length * 8);
  const le = endianness() === 'LE';
  prog.forEach((insn, i) => {
    const jt = insn.toDeny ? deny - (i + 1) : insn.jt;
    if (jt > 255) throw new Error('seccomp program too long for a BPF jump');
    if (le) buf.writeUInt16LE(insn.code, i * 8);
    else buf.writeUInt16BE(insn.code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    if (le) buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
    else buf.writeUInt32BE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}
