/* cmd_reports.c - placeholder while the reports are written. */
#include "cli/cli.h"
const cli_command cli_commands_reports[] = {{0}};
