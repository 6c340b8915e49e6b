# MSVC /INCREMENTAL: the export is a jmp thunk to the body.
jmp body
int3
int3
body:
mov $10, %eax
ret
