// gcc -O0 with a local: the constant goes through a stack slot.
sub sp, sp, #16
mov w0, #9
str w0, [sp, #12]
ldr w0, [sp, #12]
add sp, sp, #16
ret
