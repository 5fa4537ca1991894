/*
 * cmd_testing.c - placeholder: the testing commands are being written.
 */
#include "cli/cli.h"

const cli_command cli_commands_testing[] = {
    {0},
};
