/*
 * forkbomb [SECONDS]: a C fork bomb.  Every process loops on fork(), so
 * at the pids limit every one of them spins on refused forks.  Each
 * process gives up after SECONDS (default 30): a test that fails to
 * clean up does not leave it burning.  Run it only in a cgroup whose
 * pids.max is set.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 30);

	while (time(NULL) < end)
		fork();
	_exit(0);
}
