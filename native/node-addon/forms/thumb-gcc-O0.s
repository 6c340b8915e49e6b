@ arm-linux-gnueabihf-gcc -O0 -mthumb: a frame through r7.
.syntax unified
.thumb
push {r7}
add r7, sp, #0
movs r3, #9
mov r0, r3
mov sp, r7
ldr r7, [sp], #4
bx lr
