/*
 * demo_finance.c - (being built) the finance part of the demo company (demo.h).
 */
#include "demo/demo.h"

int demo_finance_setup(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_finance_day(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_finance_quarter_end(demo_run *run, quarter q, err *e) { (void)run; (void)q; (void)e; return 0; }
void demo_finance_free(demo_run *run) { (void)run; }
