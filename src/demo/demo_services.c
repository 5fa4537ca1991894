/*
 * demo_services.c - (being built) the services part of the demo company (demo.h).
 */
#include "demo/demo.h"

int demo_services_setup(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_services_day(demo_run *run, err *e) { (void)run; (void)e; return 0; }
int demo_services_quarter_end(demo_run *run, quarter q, err *e) { (void)run; (void)q; (void)e; return 0; }
void demo_services_free(demo_run *run) { (void)run; }
