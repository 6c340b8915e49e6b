/* A shared library an addon bundles beside itself (prebuildify copies such libraries next to the prebuilds). */
int demo_answer(void) { return 42; }
