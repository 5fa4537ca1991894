/*
 * main.c - the entry point of the one bloodops binary. Everything, the
 * command line and the server alike, starts in cli_main (src/cli/cli.c).
 */
#include "cli/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
