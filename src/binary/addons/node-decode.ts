/**
 * Reads the constant a tiny function returns, from its machine code: what
 * `node_api_module_get_api_version_v1` (NAPI_MODULE_INIT in node_api.h:
 * `return NAPI_VERSION;`) compiles to.
 *
 * Not a disassembler: a straight-line evaluator over the few instructions
 * compilers emit for `int f(void) { return N; }` at any optimisation level,
 * tracking constants in registers (and in stack slots for -O0 spills), and
 * failing with a reason on anything else. Forms seen and accepted:
 *
 * - x86_64 / i386: `mov eax, imm32; ret`; the -O0 frame
 *   `push rbp; mov rbp, rsp; mov eax, N; pop rbp; ret` (i386 PIC adds
 *   `call __x86.get_pc_thunk.ax; add eax, imm`, which only clobbers eax);
 *   `endbr64`; clang -Oz `push imm8; pop rax`; a `jmp` thunk (MSVC incremental
 *   linking) followed.
 * - aarch64: `mov w0, #N` (MOVZ, MOVN for INT_MAX, ORR with wzr), MOVK,
 *   `ret`; BTI/PAC hints; the frame `stp x29, x30, [sp, #-16]!; mov x29, sp`.
 * - arm (A32): `mov r0, #N` / `movw` / `mvn`, `ldr r0, [pc, #k]` (literal
 *   pool), register moves, `bx lr` / `mov pc, lr` / `pop {…, pc}`; the gcc -O0
 *   frame `push {fp}; add fp, sp, #0; … ; add sp, fp, #0; pop {fp}`.
 * - Thumb (T16/T32): `movs r0, #N`, `mov.w`/`mvn`/`movw`, `ldr r0, [pc, #k]`,
 *   `bx lr`, `pop {…, pc}`; the -O0 frame `push {r7}; add r7, sp, #0`.
 *
 * Bounded: at most MAX_STEPS instructions and MAX_JUMPS jumps; every byte is
 * fetched through the caller's `fetch`, which reads through the Reader.
 */
import type { Arch } from '../arch.ts';

/** Up to `n` bytes at image address `addr` (fewer at the end of a segment); null when unmapped. */
export type Fetch = (addr: number, n: number) => Uint8Array | null;

export type DecodeResult = { value: number; instructions: number } | { value: null; reason: string };

const MAX_STEPS = 32;
const MAX_JUMPS = 2;

class Fail extends Error {}

function fail(reason: string): never {
  throw new Fail(reason);
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The int32 the function at `addr` returns, or why it could not be read.
 * `thumb`: ARM code in Thumb state (bit 0 of an ELF symbol, or PE on ARM).
 */
export function decodeReturnConstant(arch: Arch, addr: number, fetch: Fetch, options: { littleEndian: boolean; thumb?: boolean }): DecodeResult {
  try {
    switch (arch) {
      case 'x86_64':
      case 'i386':
        return x86(addr, fetch, arch === 'x86_64');
      case 'arm64':
      case 'arm64e':
        return aarch64(addr, fetch, options.littleEndian);
      case 'arm':
        return options.thumb ? thumb(addr - (addr % 2), fetch, options.littleEndian) : a32(addr, fetch, options.littleEndian);
      default:
        return { value: null, reason: `no decoder for ${arch} code` };
    }
  } catch (e) {
    if (e instanceof Fail) return { value: null, reason: e.message };
    throw e;
  }
}

function need(fetch: Fetch, addr: number, n: number): Uint8Array {
  const b = fetch(addr, n);
  if (!b || b.length < n) fail(`code at 0x${addr.toString(16)} is not in the file`);
  return b;
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  return le ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0 : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** `(word & mask) === value` on unsigned 32-bit values (JavaScript's & yields a signed int32). */
function bits(word: number, mask: number, value: number): boolean {
  return (word & mask) >>> 0 === value >>> 0;
}

/** Addresses can exceed 2^31: no bitwise arithmetic on them. */
function align4(x: number): number {
  return x - (x % 4);
}

function i32le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

// ---------------------------------------------------------------- x86 / x86_64

function x86(start: number, fetch: Fetch, is64: boolean): DecodeResult {
  let pc = start;
  let eax: number | null = null;
  const stack: Array<number | null> = [];
  let jumps = 0;
  for (let step = 1; step <= MAX_STEPS; step++) {
    const b = fetch(pc, 16);
    if (!b || b.length === 0) fail(`code at 0x${pc.toString(16)} is not in the file`);
    const at = (i: number): number => (i < b.length ? b[i]! : fail(`instruction at 0x${pc.toString(16)} runs past the end of its segment`));
    const op = at(0);
    const rex = is64 && op >= 0x40 && op <= 0x4f ? op : 0;
    const o = rex ? 1 : 0;
    const c = at(o);
    const unknown = (): never => fail(`unrecognised instruction ${hex(b.subarray(0, Math.min(8, b.length)))} at 0x${pc.toString(16)}`);
    let len: number;
    if (op === 0xf3 && at(1) === 0x0f && at(2) === 0x1e && (at(3) === 0xfa || at(3) === 0xfb)) len = 4; // endbr64 / endbr32
    else if (op === 0x90) len = 1;
    else if (op === 0x66 && at(1) === 0x90) len = 2;
    else if (c >= 0x50 && c <= 0x57 && (rex & ~1) === (rex ? 0x40 : 0)) {
      // push r: only rax's value is known to us; a frame push is a placeholder
      stack.push(c === 0x50 && !(rex & 1) ? eax : null);
      len = o + 1;
    } else if (c >= 0x58 && c <= 0x5f && (rex & ~1) === (rex ? 0x40 : 0)) {
      if (stack.length === 0) fail(`pops more than it pushed at 0x${pc.toString(16)}`);
      const v = stack.pop()!;
      if (c === 0x58 && !(rex & 1)) eax = v;
      len = o + 1;
    } else if (op === 0x6a) {
      stack.push((at(1) << 24) >> 24);
      len = 2;
    } else if (op === 0x68) {
      stack.push(i32le(need(fetch, pc, 5), 1));
      len = 5;
    } else if ((rex === 0x48 || !is64) && (c === 0x89 || c === 0x8b) && at(o + 1) === (c === 0x89 ? 0xe5 : 0xec)) len = o + 2; // mov rbp, rsp
    else if (op === 0xb8) {
      eax = i32le(need(fetch, pc, 5), 1);
      len = 5;
    } else if (rex === 0x48 && c === 0xc7 && at(2) === 0xc0) {
      eax = i32le(need(fetch, pc, 7), 3); // mov rax, simm32
      len = 7;
    } else if ((c === 0x31 || c === 0x33) && at(o + 1) === 0xc0 && (rex === 0 || rex === 0x48)) {
      eax = 0; // xor eax, eax
      len = o + 2;
    } else if (op === 0xe8) {
      eax = null; // a call clobbers eax (i386 PIC: call __x86.get_pc_thunk.ax)
      len = 5;
    } else if (op === 0x05) {
      const imm = i32le(need(fetch, pc, 5), 1);
      eax = eax === null ? null : (eax + imm) | 0; // add eax, imm32 (the GOT address after a pc thunk)
      len = 5;
    } else if (op === 0x81 && at(1) === 0xc3) len = 6; // add ebx, imm32 (GOT pointer)
    else if ((rex === 0x48 || !is64) && c === 0x83 && (at(o + 1) === 0xec || at(o + 1) === 0xc4)) len = o + 3; // sub/add rsp, imm8
    else if (op === 0xc9) {
      stack.length = 0; // leave: rsp = rbp, pop rbp (the frame push)
      len = 1;
    } else if (op === 0xc3 || op === 0xc2) {
      if (eax === null) fail(`returns a value computed at run time (eax unknown at the ret at 0x${pc.toString(16)})`);
      return { value: eax | 0, instructions: step };
    } else if (op === 0xe9 || op === 0xeb) {
      if (++jumps > MAX_JUMPS) fail(`more than ${MAX_JUMPS} jumps`);
      const rel = op === 0xe9 ? i32le(need(fetch, pc, 5), 1) : (at(1) << 24) >> 24;
      pc = pc + (op === 0xe9 ? 5 : 2) + rel;
      continue;
    } else return unknown();
    pc += len;
  }
  return fail(`no ret within ${MAX_STEPS} instructions`);
}

// ---------------------------------------------------------------- aarch64

/** DecodeBitMasks (Arm ARM, shared pseudocode) for a logical immediate; the low 32 bits of the mask. */
function bitMask32(n: number, imms: number, immr: number, width: 32 | 64): number | null {
  const combined = (n << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) {
    if ((combined >> i) & 1) {
      len = i;
      break;
    }
  }
  if (len < 1) return null;
  const esize = 1 << len;
  if (esize > width) return null;
  const levels = esize - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return null;
  // welem = ones(s + 1), rotated right by r within esize bits, replicated.
  let welem = 0n;
  for (let i = 0; i <= s; i++) welem |= 1n << BigInt(i);
  const size = BigInt(esize);
  const emask = (1n << size) - 1n;
  const rot = ((welem >> BigInt(r)) | (welem << (size - BigInt(r)))) & emask;
  let out = 0n;
  for (let pos = 0; pos < width; pos += esize) out |= rot << BigInt(pos);
  return Number(out & 0xffffffffn) >>> 0;
}

function aarch64(start: number, fetch: Fetch, le: boolean): DecodeResult {
  let pc = start;
  const reg: Array<number | null> = new Array<number | null>(32).fill(null);
  const slots = new Map<string, number | null>();
  let jumps = 0;
  for (let step = 1; step <= MAX_STEPS; step++) {
    const ins = u32(need(fetch, pc, 4), 0, le);
    const rd = ins & 31;
    const rn = (ins >>> 5) & 31;
    const hw = (ins >>> 21) & 3;
    const imm16 = (ins >>> 5) & 0xffff;
    const set = (r: number, v: number | null) => {
      if (r !== 31) reg[r] = v === null ? null : v >>> 0;
    };
    if (ins === 0xd65f03c0 || ins === 0xd65f0bff || ins === 0xd65f0fff) {
      // ret, retaa, retab
      const w0 = reg[0];
      if (w0 === null || w0 === undefined) fail(`returns a value computed at run time (w0 unknown at the ret at 0x${pc.toString(16)})`);
      return { value: w0 | 0, instructions: step };
    } else if (bits(ins, 0xfffff01f, 0xd503201f)) {
      // hint: nop, bti, paciasp, autiasp, ...
    } else if (bits(ins, 0x7f800000, 0x52800000)) {
      set(rd, hw === 0 ? imm16 : hw === 1 ? imm16 << 16 : 0); // movz
    } else if (bits(ins, 0x7f800000, 0x12800000)) {
      set(rd, hw === 0 ? ~imm16 : hw === 1 ? ~(imm16 << 16) : 0xffffffff); // movn
    } else if (bits(ins, 0x7f800000, 0x72800000)) {
      const old = reg[rd] ?? null; // movk
      set(rd, old === null ? null : hw === 0 ? (old & 0xffff0000) | imm16 : hw === 1 ? (old & 0xffff) | (imm16 << 16) : old);
    } else if (bits(ins, 0x7f800000, 0x32000000) && rn === 31) {
      const v = bitMask32((ins >>> 22) & 1, (ins >>> 10) & 0x3f, (ins >>> 16) & 0x3f, ins >>> 31 ? 64 : 32); // orr rd, zr, #imm
      if (v === null) fail(`reserved logical immediate at 0x${pc.toString(16)}`);
      set(rd, v);
    } else if (bits(ins, 0x7fe0ffe0, 0x2a0003e0)) {
      const rm = (ins >>> 16) & 31;
      set(rd, rm === 31 ? 0 : reg[rm] ?? null); // mov rd, rm (orr rd, zr, rm)
    } else if (bits(ins, 0xffc07fff, 0xa9807bfd) || bits(ins, 0xffc07fff, 0xa8c07bfd) || ins === 0x910003fd) {
      // stp x29, x30, [sp, #-n]!  /  ldp x29, x30, [sp], #n  /  mov x29, sp
    } else if (bits(ins, 0xff8003ff, 0x910003ff) || bits(ins, 0xff8003ff, 0xd10003ff)) {
      // add / sub sp, sp, #imm
    } else if (bits(ins, 0xbfc00000, 0xb9000000) || bits(ins, 0xbfc00000, 0xb9400000)) {
      // str / ldr Wt|Xt, [Xn, #imm12*size] with Xn = sp or x29: an -O0 spill
      if (rn !== 31 && rn !== 29) fail(`memory access through x${rn} at 0x${pc.toString(16)}`);
      const key = `${rn}:${(ins >>> 10) & 0xfff}`;
      if ((ins & 0x00400000) === 0) slots.set(key, rd === 31 ? 0 : reg[rd] ?? null);
      else set(rd, slots.get(key) ?? null);
    } else if (bits(ins, 0xbfe00c00, 0xb8000000) || bits(ins, 0xbfe00c00, 0xb8400000)) {
      // stur / ldur with an unscaled offset (clang -O0: [x29, #-4])
      if (rn !== 31 && rn !== 29) fail(`memory access through x${rn} at 0x${pc.toString(16)}`);
      const key = `${rn}:u${(ins >>> 12) & 0x1ff}`;
      if ((ins & 0x00400000) === 0) slots.set(key, rd === 31 ? 0 : reg[rd] ?? null);
      else set(rd, slots.get(key) ?? null);
    } else if (bits(ins, 0xfc000000, 0x14000000)) {
      if (++jumps > MAX_JUMPS) fail(`more than ${MAX_JUMPS} jumps`);
      pc += ((ins << 6) >> 6) * 4; // b imm26
      continue;
    } else {
      fail(`unrecognised instruction 0x${ins.toString(16).padStart(8, '0')} at 0x${pc.toString(16)}`);
    }
    pc += 4;
  }
  return fail(`no ret within ${MAX_STEPS} instructions`);
}

// ---------------------------------------------------------------- ARM (A32)

function ror32(v: number, r: number): number {
  const n = r & 31;
  return n === 0 ? v >>> 0 : ((v >>> n) | (v << (32 - n))) >>> 0;
}

/** Registers the -O0 frame code writes, which never hold the result. */
const FRAME_REGS = new Set([7, 11, 13]);

function a32(start: number, fetch: Fetch, le: boolean): DecodeResult {
  let pc = start;
  const reg: Array<number | null> = new Array<number | null>(16).fill(null);
  let jumps = 0;
  const result = (step: number): DecodeResult => {
    const r0 = reg[0];
    if (r0 === null || r0 === undefined) fail(`returns a value computed at run time (r0 unknown at the return at 0x${pc.toString(16)})`);
    return { value: r0 | 0, instructions: step };
  };
  for (let step = 1; step <= MAX_STEPS; step++) {
    const ins = u32(need(fetch, pc, 4), 0, le);
    const rd = (ins >>> 12) & 15;
    const rn = (ins >>> 16) & 15;
    if (ins >>> 28 !== 0xe) fail(`conditional or unconditional-space instruction 0x${ins.toString(16).padStart(8, '0')} at 0x${pc.toString(16)}`);
    if (ins === 0xe12fff1e) return result(step); // bx lr
    if (ins === 0xe320f000) {
      // nop
    } else if (bits(ins, 0x0fef0000, 0x03a00000)) {
      reg[rd] = ror32(ins & 0xff, ((ins >>> 8) & 15) * 2); // mov rd, #imm
    } else if (bits(ins, 0x0fef0000, 0x03e00000)) {
      reg[rd] = ~ror32(ins & 0xff, ((ins >>> 8) & 15) * 2) >>> 0; // mvn rd, #imm
    } else if (bits(ins, 0x0ff00000, 0x03000000)) {
      reg[rd] = (((ins >>> 16) & 0xf) << 12) | (ins & 0xfff); // movw
    } else if (bits(ins, 0x0ff00000, 0x03400000)) {
      const old = reg[rd] ?? null; // movt
      reg[rd] = old === null ? null : ((old & 0xffff) | (((((ins >>> 16) & 0xf) << 12) | (ins & 0xfff)) << 16)) >>> 0;
    } else if (bits(ins, 0x0fef0ff0, 0x01a00000)) {
      const rm = ins & 15; // mov rd, rm
      if (rd === 15) {
        if (rm === 14) return result(step); // mov pc, lr
        fail(`indirect jump at 0x${pc.toString(16)}`);
      }
      reg[rd] = FRAME_REGS.has(rm) ? null : reg[rm] ?? null;
    } else if (bits(ins, 0x0f7f0000, 0x051f0000)) {
      if (rd === 15) fail(`load into pc at 0x${pc.toString(16)}`);
      const imm = ins & 0xfff; // ldr rd, [pc, #±imm]
      const where = pc + 8 + ((ins & 0x00800000) !== 0 ? imm : -imm);
      reg[rd] = u32(need(fetch, where, 4), 0, le);
    } else if (bits(ins, 0xffff0000, 0xe92d0000) || bits(ins, 0xffff0fff, 0xe52d0004)) {
      // push {...} / str rX, [sp, #-4]!
    } else if (bits(ins, 0xffff0000, 0xe8bd0000)) {
      if ((ins & 0x8000) !== 0) return result(step); // pop {..., pc}
      for (let r = 0; r < 15; r++) if ((ins >>> r) & 1) reg[r] = null;
    } else if (bits(ins, 0xffff0fff, 0xe49d0004)) {
      if (rd === 15) return result(step); // ldr pc, [sp], #4
      reg[rd] = null; // pop {rd}
    } else if ((bits(ins, 0x0fe00000, 0x02800000) || bits(ins, 0x0fe00000, 0x02400000)) && FRAME_REGS.has(rd) && FRAME_REGS.has(rn)) {
      // add / sub fp|sp, sp|fp, #imm (frame setup and teardown)
    } else if (bits(ins, 0x0f000000, 0x0a000000)) {
      if (++jumps > MAX_JUMPS) fail(`more than ${MAX_JUMPS} jumps`);
      pc = pc + 8 + ((ins << 8) >> 6); // b
      continue;
    } else {
      fail(`unrecognised instruction 0x${ins.toString(16).padStart(8, '0')} at 0x${pc.toString(16)}`);
    }
    pc += 4;
  }
  return fail(`no return within ${MAX_STEPS} instructions`);
}

// ---------------------------------------------------------------- Thumb

function thumbExpandImm(imm12: number): number {
  const imm8 = imm12 & 0xff;
  if (imm12 >>> 10 === 0) {
    switch ((imm12 >>> 8) & 3) {
      case 0:
        return imm8;
      case 1:
        return ((imm8 << 16) | imm8) >>> 0;
      case 2:
        return ((imm8 << 24) | (imm8 << 8)) >>> 0;
      default:
        return Math.imul(imm8, 0x01010101) >>> 0;
    }
  }
  return ror32(0x80 | (imm12 & 0x7f), imm12 >>> 7);
}

function thumb(start: number, fetch: Fetch, le: boolean): DecodeResult {
  let pc = start;
  const reg: Array<number | null> = new Array<number | null>(16).fill(null);
  const slots = new Map<string, number | null>();
  let jumps = 0;
  const result = (step: number): DecodeResult => {
    const r0 = reg[0];
    if (r0 === null || r0 === undefined) fail(`returns a value computed at run time (r0 unknown at the return at 0x${pc.toString(16)})`);
    return { value: r0 | 0, instructions: step };
  };
  const literal = (where: number) => u32(need(fetch, where, 4), 0, le);
  for (let step = 1; step <= MAX_STEPS; step++) {
    const hw = u16(need(fetch, pc, 2), 0, le);
    const top5 = hw >>> 11;
    if (top5 === 0x1d || top5 === 0x1e || top5 === 0x1f) {
      const hw2 = u16(need(fetch, pc + 2, 2), 0, le);
      const rd = (hw2 >>> 8) & 15;
      const i = (hw >>> 10) & 1;
      const imm12 = (i << 11) | (((hw2 >>> 12) & 7) << 8) | (hw2 & 0xff);
      const imm16 = ((hw & 0xf) << 12) | imm12;
      if ((hw & 0xfbef) === 0xf04f && (hw2 & 0x8000) === 0) reg[rd] = thumbExpandImm(imm12); // mov.w
      else if ((hw & 0xfbef) === 0xf06f && (hw2 & 0x8000) === 0) reg[rd] = ~thumbExpandImm(imm12) >>> 0; // mvn
      else if ((hw & 0xfbf0) === 0xf240 && (hw2 & 0x8000) === 0) reg[rd] = imm16; // movw
      else if ((hw & 0xfbf0) === 0xf2c0 && (hw2 & 0x8000) === 0) {
        const old = reg[rd] ?? null; // movt
        reg[rd] = old === null ? null : ((old & 0xffff) | (imm16 << 16)) >>> 0;
      } else if ((hw & 0xff7f) === 0xf85f) {
        const rt = hw2 >>> 12; // ldr.w rt, [pc, #±imm12]
        if (rt === 15) fail(`load into pc at 0x${pc.toString(16)}`);
        const base = align4(pc + 4);
        reg[rt] = literal((hw & 0x80) !== 0 ? base + (hw2 & 0xfff) : base - (hw2 & 0xfff));
      } else if (hw === 0xe92d || (hw === 0xf84d && (hw2 & 0x0fff) === 0x0d04)) {
        // push.w {...} / str.w rX, [sp, #-4]!
      } else if (hw === 0xe8bd) {
        if ((hw2 & 0x8000) !== 0) return result(step); // pop.w {..., pc}
        for (let r = 0; r < 15; r++) if ((hw2 >>> r) & 1) reg[r] = null;
      } else if (hw === 0xf85d && (hw2 & 0x0fff) === 0x0b04) {
        const rt = hw2 >>> 12; // ldr.w rt, [sp], #4
        if (rt === 15) return result(step);
        reg[rt] = null;
      } else fail(`unrecognised instruction 0x${hw.toString(16).padStart(4, '0')}${hw2.toString(16).padStart(4, '0')} at 0x${pc.toString(16)}`);
      pc += 4;
      continue;
    }
    if (hw === 0x4770) return result(step); // bx lr
    if (hw === 0xbf00) {
      // nop
    } else if ((hw & 0xf800) === 0x2000) {
      reg[(hw >>> 8) & 7] = hw & 0xff; // movs rd, #imm8
    } else if ((hw & 0xff00) === 0x4600) {
      const rd = (hw & 7) | ((hw >>> 4) & 8); // mov rd, rm
      const rm = (hw >>> 3) & 15;
      if (rd === 15) {
        if (rm === 14) return result(step);
        fail(`indirect jump at 0x${pc.toString(16)}`);
      }
      reg[rd] = FRAME_REGS.has(rm) ? null : reg[rm] ?? null;
    } else if ((hw & 0xffc0) === 0x0000) {
      reg[hw & 7] = reg[(hw >>> 3) & 7] ?? null; // movs rd, rm
    } else if ((hw & 0xf800) === 0x4800) {
      reg[(hw >>> 8) & 7] = literal(align4(pc + 4) + (hw & 0xff) * 4); // ldr rd, [pc, #imm8*4]
    } else if ((hw & 0xfe00) === 0xb400) {
      // push {...}
    } else if ((hw & 0xfe00) === 0xbc00) {
      if ((hw & 0x100) !== 0) return result(step); // pop {..., pc}
      for (let r = 0; r < 8; r++) if ((hw >>> r) & 1) reg[r] = null;
    } else if ((hw & 0xff00) === 0xb000 || ((hw & 0xf800) === 0xa800 && ((hw >>> 8) & 7) === 7)) {
      // add/sub sp, #imm; add r7, sp, #imm
    } else if ((hw & 0xf000) === 0x9000) {
      const key = `sp:${hw & 0xff}`; // str/ldr rt, [sp, #imm8*4]
      const rt = (hw >>> 8) & 7;
      if ((hw & 0x0800) === 0) slots.set(key, reg[rt] ?? null);
      else reg[rt] = slots.get(key) ?? null;
    } else if ((hw & 0xf000) === 0x6000 && ((hw >>> 3) & 7) === 7) {
      const key = `r7:${(hw >>> 6) & 0x1f}`; // str/ldr rt, [r7, #imm5*4]
      const rt = hw & 7;
      if ((hw & 0x0800) === 0) slots.set(key, reg[rt] ?? null);
      else reg[rt] = slots.get(key) ?? null;
    } else if ((hw & 0xf800) === 0xe000) {
      if (++jumps > MAX_JUMPS) fail(`more than ${MAX_JUMPS} jumps`);
      pc = pc + 4 + (((hw & 0x7ff) << 21) >> 20); // b imm11
      continue;
    } else {
      fail(`unrecognised instruction 0x${hw.toString(16).padStart(4, '0')} at 0x${pc.toString(16)}`);
    }
    pc += 2;
  }
  return fail(`no return within ${MAX_STEPS} instructions`);
}
