/* An executable: LC_MAIN, LC_LOAD_DYLINKER. */
int puts(const char *);
char *getenv(const char *);

int main(void) {
  puts(getenv("HOME") ? "hello, home" : "hello");
  return 0;
}
