/* The NDK's crtbegin_so.o puts this note in every Android shared object:
   owner "Android", type 1 (NT_ANDROID_TYPE_IDENT), desc = the API level. */
        .section .note.android.ident,"a",%note
        .balign 4
        .long 8          /* namesz */
        .long 4          /* descsz */
        .long 1          /* NT_ANDROID_TYPE_IDENT */
        .asciz "Android"
        .long 21         /* API level */

        .text
        .globl answer
        .type answer,%function
answer:
        mov w0, #42
        ret
