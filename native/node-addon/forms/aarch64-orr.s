// INT_MAX as a logical immediate.
orr w0, wzr, #0x7fffffff
ret
