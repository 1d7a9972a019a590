/*
 * hitlimit: reach the cgroup's pids limit once, then leave no task behind.
 * Forks children that wait (each in pause()) until a fork is refused
 * (EAGAIN: pids.max reached), then kills and reaps every one of them.
 * For tests/bench/guard.sh: a container whose limit was hit once long
 * before its bomb, so that the kernel's one-time log line for the first
 * refused fork of its cgroup is already spent.  Exit 0 once a fork was
 * refused, 1 if none was (no limit below MAXKIDS), 2 on another error.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXKIDS 100000

int
main(void)
{
	static pid_t kids[MAXKIDS];
	int n = 0, refused = 0, rc = 0;

	while (n < MAXKIDS) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			refused = errno == EAGAIN;
			rc = refused ? 0 : 2;
			break;
		}
		kids[n++] = p;
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return n == MAXKIDS ? 1 : rc;
}
