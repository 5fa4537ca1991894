/*
 * demo_products.c - (being built) the products part of the demo company (demo.h).
 */
#include "demo/demo.h"

int demo_products_setup(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_products_day(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_products_quarter_end(demo_run *run, quarter q, err *e) { (void)run; (void)q; (void)e; return 0; }
void demo_products_free(demo_run *run) { (void)run; }
