# mov rax, simm32 (48 c7 c0), sign-extended.
movq $2147483647, %rax
ret
