/*
 * threadbomb [SECONDS]: creates threads in a loop (each one counts in
 * pids.current) and keeps trying when the kernel refuses.  Gives up after
 * SECONDS (default 30).  Run it only in a cgroup whose pids.max is set.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static time_t end;

static void *
idle(void *arg)
{
	(void)arg;
	while (time(NULL) < end)
		sleep(1);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_attr_t a;
	pthread_t t;

	end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 30);
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	while (time(NULL) < end)
		pthread_create(&t, &a, idle, NULL);
	_exit(0);
}
