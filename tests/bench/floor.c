/*
 * floor FILELIST PASSES: the kernel's floor for one sampling pass.  Opens
 * the files listed in FILELIST (one path per line: exactly those cgwardend
 * reads per container per pass), then times PASSES bare pread() loops over
 * them, 50 ms apart, and prints the CPU ns per pass and the number of files.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static int fds[1 << 20];
	size_t nfd = 0;
	char line[4096], buf[1024];
	struct timespec a, b;
	FILE *f;
	long passes;

	if (argc != 3 || (f = fopen(argv[1], "r")) == NULL)
		return 2;
	passes = atol(argv[2]);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		int fd;

		if ((fd = open(line, O_RDONLY)) >= 0 && nfd < sizeof(fds) / sizeof(fds[0]))
			fds[nfd++] = fd;
	}
	fclose(f);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	/* Paced like the daemon (50 ms apart), so caches are as cold as its. */
	for (long p = 0; p < passes; p++) {
		for (size_t i = 0; i < nfd; i++)
			if (pread(fds[i], buf, sizeof(buf) - 1, 0) < 0)
				return 1;
		usleep(50000);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	printf("%lld %zu\n", ((b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec) / passes, nfd);
	return 0;
}
