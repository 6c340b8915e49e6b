# Not a constant: returns what another function returned.
call other
ret
other:
mov $9, %eax
ret
