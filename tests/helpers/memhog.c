/* memhog MIB: touches MIB mebibytes of anonymous memory, then sleeps. */
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	size_t n = (argc > 1 ? (size_t)atol(argv[1]) : 32) << 20;
	volatile char *p = malloc(n);

	if (p == NULL)
		return 1;
	/* volatile: the compiler may not drop stores nobody reads */
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	for (;;)
		pause();
}
