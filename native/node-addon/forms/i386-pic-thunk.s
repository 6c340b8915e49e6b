# gcc -m32 -O0 -fPIC: the pc thunk clobbers eax before the constant is loaded.
push %ebp
mov %esp, %ebp
call thunk
add $0x1234, %eax
mov $9, %eax
pop %ebp
ret
thunk:
mov (%esp), %eax
ret
