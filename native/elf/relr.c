/* Pointers that need relative relocations, packed by lld into DT_RELR. */
static int a, b, c;
int *relr_table[] = {&a, &b, &c};
int relr_sum(void) { return *relr_table[0] + *relr_table[1] + *relr_table[2]; }
