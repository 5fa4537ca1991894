/*
 * cmd_donors.c - placeholder: the donors commands are being written.
 */
#include "cli/cli.h"

const cli_command cli_commands_donors[] = {
    {0},
};
