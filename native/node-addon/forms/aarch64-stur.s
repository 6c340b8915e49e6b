// clang -O0 style spill through the frame pointer.
stp x29, x30, [sp, #-16]!
mov x29, sp
mov w8, #7
stur w8, [x29, #-4]
ldur w0, [x29, #-4]
ldp x29, x30, [sp], #16
ret
