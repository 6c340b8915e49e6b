@ Not a constant.
.syntax unified
.arm
ldr r0, [r1]
bx lr
