/* cgwardenctl top: the live table of every container, as the CLI calls it. */
#ifndef CGWARDEN_TOP_H
#define CGWARDEN_TOP_H

/* cgwardenctl top [-n N] [-d SECONDS] [--json]: runs it and returns the exit status. */
int top_main(const char *sock, int argc, char **argv);

#endif
