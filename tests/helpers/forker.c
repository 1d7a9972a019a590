/*
 * forker N: forks N children that each live 3 s, counting the forks the
 * kernel refuses (pids.max); prints that count, waits for the children,
 * then sleeps until killed.  Not a bomb: N forks at most, once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, refused = 0;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			sleep(3);
			_exit(0);
		}
		if (p < 0)
			refused++;
	}
	printf("%d\n", refused);
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	for (;;)
		pause();
}
