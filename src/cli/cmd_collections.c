/*
 * cmd_collections.c - placeholder: the collections commands are being written.
 */
#include "cli/cli.h"

const cli_command cli_commands_collections[] = {
    {0},
};
