# Not a constant: reads memory.
mov (%rdi), %eax
ret
