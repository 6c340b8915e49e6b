# gcc -O0 -fcf-protection: endbr64 and a frame around the constant.
endbr64
push %rbp
mov %rsp, %rbp
mov $9, %eax
pop %rbp
ret
