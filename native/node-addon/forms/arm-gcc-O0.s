@ arm-linux-gnueabihf-gcc -O0 -marm: a frame and the value through r3.
.syntax unified
.arm
push {fp}
add fp, sp, #0
mov r3, #9
mov r0, r3
add sp, fp, #0
pop {fp}
bx lr
