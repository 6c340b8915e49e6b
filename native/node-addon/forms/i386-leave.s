# A frame with a local, torn down by leave.
push %ebp
mov %esp, %ebp
sub $16, %esp
mov $8, %eax
leave
ret
