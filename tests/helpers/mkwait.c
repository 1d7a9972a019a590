/*
 * mkwait DIR FILE: creates the cgroup DIR, then re-reads DIR/FILE until it
 * no longer says "max" and prints the microseconds that took (exit 1
 * after 5 s).  Measures how fast a ceiling lands on a new cgroup.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	char path[4096], buf[64];
	long long t0;
	int fd;

	if (argc != 3)
		return 2;
	snprintf(path, sizeof(path), "%s/%s", argv[1], argv[2]);
	t0 = now_us();
	if (mkdir(argv[1], 0755) < 0) {
		perror(argv[1]);
		return 2;
	}
	if ((fd = open(path, O_RDONLY)) < 0) {
		perror(path);
		return 2;
	}
	while (now_us() - t0 < 5000000) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n > 0 && strncmp(buf, "max", 3) != 0 && strncmp(buf, "-1", 2) != 0) {
			printf("%lld\n", now_us() - t0);
			return 0;
		}
		usleep(100);
	}
	return 1;
}
