/* A minimal Python extension module for the wheel fixtures: the importer only
 * looks up PyInit_<name>, so no Python headers are needed to build one. The
 * tests copy the same build under the file names they need
 * (_ext.cpython-311-x86_64-linux-gnu.so, _ext.abi3.so, _ext.cp311-win_amd64.pyd...). */
int ext_answer(void) { return 42; }

void *PyInit__ext(void) { return (void *)0; }
