/* Built without -fPIC for i386: absolute addresses in .text that the loader
   must patch (DT_TEXTREL). */
int textrel_value = 7;

int textrel_get(void) { return textrel_value; }
