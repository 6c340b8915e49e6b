@ clang -mthumb: INT_MAX as mvn.
.syntax unified
.thumb
mvn r0, #0x80000000
bx lr
