/* Depends on both libdep (@rpath) and libfoo (/opt/homebrew/lib). */
int dep_value(int);
int foo_version(void);

int usefoo(int x) { return dep_value(x) + foo_version(); }
