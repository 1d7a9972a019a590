/*
 * waitval FILE VALUE: polls FILE (every 100 µs, for at most 20 s) until it
 * exists and then until it starts with VALUE; prints the wall-clock times
 * (µs since the epoch) of both moments.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

int
main(int argc, char **argv)
{
	long long t0 = now_us(), seen = 0;
	char buf[64];
	int fd = -1;

	if (argc != 3)
		return 2;
	while (now_us() - t0 < 20000000) {
		if (fd < 0 && (fd = open(argv[1], O_RDONLY)) >= 0)
			seen = now_us();
		if (fd >= 0) {
			ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

			if (n > 0 && strncmp(buf, argv[2], strlen(argv[2])) == 0) {
				printf("%lld %lld\n", seen, now_us());
				return 0;
			}
		}
		usleep(100);
	}
	return 1;
}
