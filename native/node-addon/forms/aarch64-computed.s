// Not a constant.
ldr w0, [x0]
ret
