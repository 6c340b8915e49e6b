@ movw + movt, returned with pop {pc}.
.syntax unified
.arm
push {r11, lr}
movw r0, #0x5678
movt r0, #0x1234
pop {r11, pc}
