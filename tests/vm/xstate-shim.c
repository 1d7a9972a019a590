/*
 * xstate-shim.c - LD_PRELOAD shim that lets user-mode-linux (UML) 6.1 run on
 * hosts whose XSAVE area is larger than the buffer UML was built with.
 *
 * Problem: UML saves/restores the FP state of its ptraced "userspace"
 * processes with PTRACE_GETREGSET/PTRACE_SETREGSET(NT_X86_XSTATE) and a
 * fixed-size buffer (832 bytes upstream, 2696 in some Debian builds).  Since
 * Linux 5.14 the host kernel's xstateregs_set() refuses any SETREGSET whose
 * length is not exactly the full user XSAVE size (AVX-512: ~2.5 KiB, AMX:
 * ~11 KiB) with EFAULT, and UML dies at boot with
 *     "ptrace set fp regs failed, errno = 14".
 *
 * Fix: wrap ptrace().  For NT_X86_XSTATE requests whose buffer is shorter
 * than the kernel's XSAVE size we keep a full-size shadow copy per caller
 * buffer (UML keeps one buffer per kernel thread) and
 *   GETREGSET: read the full state into the shadow, hand the caller the
 *              prefix it asked for;
 *   SETREGSET: overlay the caller's prefix on the shadow (refreshed from the
 *              tracee when there is no shadow yet for that buffer/pid) and
 *              send the full shadow.
 * Everything else is passed unchanged to glibc's ptrace().
 *
 * Debug knob (tests only): XSTATE_SHIM_EMULATE_LEN=N pretends every caller
 * buffer is only N bytes long (e.g. 832), so the shadow path can be exercised
 * on hosts where the UML build's buffer happens to be big enough.
 * XSTATE_SHIM_DEBUG=1 prints a one-line summary at exit.
 *
 * Build: cc -O2 -Wall -Wextra -fPIC -shared -o xstate-shim.so xstate-shim.c -ldl
 * Test:  tests/vm/xstate-shim-test.c (see its header)
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

#define NSLOTS 1024 /* power of two */

struct slot {
	uintptr_t key;  /* caller buffer address, 0 = free */
	pid_t pid;      /* tracee the shadow was last read from / written to */
	int valid;      /* shadow holds a full state for key/pid */
	unsigned char *buf;
};

typedef long (*ptrace_fn)(int, ...); /* glibc's ptrace is variadic */

static ptrace_fn real_ptrace;
static struct slot slots[NSLOTS];
static size_t shadow_cap;     /* bytes allocated per shadow */
static size_t kernel_len;     /* exact XSAVE size the kernel uses, 0 = unknown */
static size_t emulate_len;    /* XSTATE_SHIM_EMULATE_LEN */
static int inited;
static volatile int lock;
static unsigned long n_get, n_set, n_fallback;

static ptrace_fn lookup_real(void)
{
	void *p = dlsym(RTLD_NEXT, "ptrace");
	ptrace_fn f;

	memcpy(&f, &p, sizeof(f)); /* object -> function pointer, pedantic-clean */
	return f;
}

static void shim_report(void)
{
	if (getenv("XSTATE_SHIM_DEBUG"))
		fprintf(stderr, "xstate-shim[%d]: kernel_len=%zu cap=%zu emulate=%zu "
			"shadow_get=%lu shadow_set=%lu refresh=%lu\n", (int)getpid(),
			kernel_len, shadow_cap, emulate_len, n_get, n_set, n_fallback);
}

static void shim_init(void)
{
	unsigned int a = 0, b = 0, c = 0, d = 0;
	size_t cap = 0;
	const char *e;

	if (__get_cpuid_max(0, NULL) >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		cap = b > c ? b : c;
	}
	/* generous margin: the kernel never uses more than CPUID reports */
	cap = (cap + 4095) & ~(size_t)4095;
	if (cap < 16384)
		cap = 16384;
	shadow_cap = cap;
	e = getenv("XSTATE_SHIM_EMULATE_LEN");
	if (e && *e)
		emulate_len = (size_t)strtoul(e, NULL, 0);
	real_ptrace = lookup_real();
	if (getenv("XSTATE_SHIM_DEBUG"))
		atexit(shim_report);
	inited = 1;
}

static long raw_ptrace(long req, pid_t pid, void *addr, void *data)
{
	return syscall(SYS_ptrace, req, (long)pid, addr, data);
}

static struct slot *slot_for(uintptr_t key)
{
	size_t h = (size_t)((key >> 4) * 0x9E3779B97F4A7C15ULL) & (NSLOTS - 1);
	size_t i;

	for (i = 0; i < 8; i++) {
		struct slot *s = &slots[(h + i) & (NSLOTS - 1)];
		if (s->key == key)
			return s;
	}
	for (i = 0; i < 8; i++) {
		struct slot *s = &slots[(h + i) & (NSLOTS - 1)];
		if (s->key == 0) {
			s->key = key;
			s->valid = 0;
			return s;
		}
	}
	/* table crowded: evict the home slot (falls back to a refresh) */
	slots[h].key = key;
	slots[h].valid = 0;
	return &slots[h];
}

static int slot_buf(struct slot *s)
{
	void *p;

	if (s->buf)
		return 0;
	p = mmap(NULL, shadow_cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	s->buf = p;
	return 0;
}

/* Read the tracee's full XSAVE state into s->buf; returns length or -1. */
static long fill_shadow(struct slot *s, pid_t pid)
{
	struct iovec iov = { s->buf, shadow_cap };

	if (raw_ptrace(PTRACE_GETREGSET, pid, (void *)(uintptr_t)NT_X86_XSTATE, &iov) < 0)
		return -1;
	kernel_len = iov.iov_len;
	s->pid = pid;
	s->valid = 1;
	return (long)iov.iov_len;
}

static long xstate_get(pid_t pid, struct iovec *uiov, size_t len)
{
	struct slot *s = slot_for((uintptr_t)uiov->iov_base);
	long got;

	if (slot_buf(s) < 0)
		return raw_ptrace(PTRACE_GETREGSET, pid, (void *)(uintptr_t)NT_X86_XSTATE, uiov);
	got = fill_shadow(s, pid);
	if (got < 0) {
		s->valid = 0;
		return -1;
	}
	n_get++;
	if ((size_t)got < len)
		len = (size_t)got;
	memcpy(uiov->iov_base, s->buf, len);
	uiov->iov_len = len;
	return 0;
}

static long xstate_set(pid_t pid, struct iovec *uiov, size_t len)
{
	struct slot *s = slot_for((uintptr_t)uiov->iov_base);
	struct iovec iov;
	long r;

	if (slot_buf(s) < 0)
		return raw_ptrace(PTRACE_SETREGSET, pid, (void *)(uintptr_t)NT_X86_XSTATE, uiov);
	if (!s->valid || s->pid != pid) {
		n_fallback++;
		if (fill_shadow(s, pid) < 0) {
			s->valid = 0;
			return -1;
		}
	}
	if (len > kernel_len)
		len = kernel_len;
	memcpy(s->buf, uiov->iov_base, len);
	iov.iov_base = s->buf;
	iov.iov_len = kernel_len;
	r = raw_ptrace(PTRACE_SETREGSET, pid, (void *)(uintptr_t)NT_X86_XSTATE, &iov);
	if (r == 0)
		n_set++;
	return r;
}

static long handle_xstate(int req, pid_t pid, void *addr, struct iovec *uiov)
{
	sigset_t all, old;
	size_t len;
	long r;
	int saved;

	/* Ignore odd requests: let the kernel produce the error. */
	if (!uiov || !uiov->iov_base)
		return raw_ptrace(req, pid, addr, uiov);

	/* UML is (almost) single threaded, but its signal handlers run kernel
	 * code: block signals and take a tiny spin lock around the table. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
	if (!inited)
		shim_init();

	len = uiov->iov_len;
	if (emulate_len && emulate_len < len)
		len = emulate_len;

	if (kernel_len && len >= kernel_len && !emulate_len) {
		/* caller's buffer is big enough: nothing to do */
		r = raw_ptrace(req, pid, addr, uiov);
	} else if (req == PTRACE_GETREGSET) {
		r = xstate_get(pid, uiov, len);
	} else {
		r = xstate_set(pid, uiov, len);
	}
	saved = errno;
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return r;
}

long ptrace(enum __ptrace_request request, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;
	int req = (int)request;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);

	if ((req == PTRACE_GETREGSET || req == PTRACE_SETREGSET) &&
	    (uintptr_t)addr == NT_X86_XSTATE)
		return handle_xstate(req, pid, addr, data);

	if (!real_ptrace) {
		ptrace_fn f = lookup_real();
		if (!f) {
			/* no glibc ptrace?  PEEK* semantics would differ, but
			 * this cannot happen with a dynamically linked caller */
			return raw_ptrace(req, pid, addr, data);
		}
		real_ptrace = f;
	}
	return real_ptrace(req, pid, addr, data);
}
