/* libfoo: installed under an absolute non-system path (/opt/homebrew/lib). */
int foo_version(void) { return 3; }
