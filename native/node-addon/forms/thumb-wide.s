@ Thumb-2 modified immediates and movw, returned by pop {r7, pc}.
.syntax unified
.thumb
push {r7, lr}
mov.w r1, #0x00ab00ab
movw r0, #10
pop {r7, pc}
