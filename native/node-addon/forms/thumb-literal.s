@ armv6 Thumb: INT_MAX from a literal pool.
.syntax unified
.thumb
ldr r0, .Lvalue
bx lr
.p2align 2
.Lvalue:
.word 0x7fffffff
