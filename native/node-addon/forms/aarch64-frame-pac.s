// A frame with pointer authentication, INT_MAX through movz + movk.
paciasp
stp x29, x30, [sp, #-16]!
mov x29, sp
movz w0, #0xffff
movk w0, #0x7fff, lsl #16
ldp x29, x30, [sp], #16
autiasp
ret
