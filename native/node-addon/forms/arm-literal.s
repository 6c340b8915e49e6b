@ clang -O0 -marm: INT_MAX from a literal pool.
.syntax unified
.arm
ldr r0, .Lvalue
bx lr
.Lvalue:
.word 0x7fffffff
