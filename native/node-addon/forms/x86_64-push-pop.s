# clang -Oz: push the constant, pop it into rax.
push $9
pop %rax
ret
