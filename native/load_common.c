/*
 * nfq_load: errors, option parsing, clocks and signals shared by the subcommands.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "nfq_load.h"

volatile sig_atomic_t stop_requested;

static const char *command_name = "nfq_load";
static char command_buf[64];

void set_command_name(const char *name)
{
	snprintf(command_buf, sizeof(command_buf), "nfq_load %s", name);
	command_name = command_buf;
}

static void vreport(const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;

	fprintf(stderr, "%s: ", command_name);
	vfprintf(stderr, fmt, ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	exit(1);
}

void fail_errno(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	fprintf(stderr, "(run nfq_load without arguments for the usage)\n");
	exit(EXIT_USAGE);
}

uint64_t parse_u64(int opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !isdigit((unsigned char)s[0]) || v < min || v > max)
		usage_error("-%c %s: expected a whole number in %llu..%llu", opt, s,
			    (unsigned long long)min, (unsigned long long)max);
	return v;
}

double parse_seconds(int opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e7)
		usage_error("-%c %s: expected seconds >= 0", opt, s);
	return v;
}

uint32_t parse_ipv4(int opt, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		usage_error("-%c %s: expected an IPv4 address", opt, s);
	return ntohl(a.s_addr);
}

struct ipv4_range parse_ipv4_range(int opt, const char *s)
{
	struct ipv4_range r;
	char copy[64], *dash;

	if (strlen(s) >= sizeof(copy))
		usage_error("-%c %s: expected FIRST[-LAST] IPv4 addresses", opt, s);
	strcpy(copy, s);
	dash = strchr(copy, '-');
	if (dash)
		*dash = '\0';
	r.first = parse_ipv4(opt, copy);
	r.last = dash ? parse_ipv4(opt, dash + 1) : r.first;
	if (r.last < r.first)
		usage_error("-%c %s: the last address is below the first", opt, s);
	if (r.last - r.first >= 65536)
		usage_error("-%c %s: at most 65536 addresses", opt, s);
	return r;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_seconds(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);   /* a signal cuts it short, which is what a stopping loop wants */
}

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void install_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct sockaddr_in ipv4_sockaddr(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons(port);
	return sa;
}

const char *find_nocase(const char *haystack, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (strncasecmp(haystack + i, needle, n) == 0)
			return haystack + i;
	return NULL;
}

int64_t header_number(const char *head, size_t len, const char *name)
{
	const char *p = head, *end = head + len;
	size_t name_len = strlen(name);

	/* Header lines start after a "\r\n"; the first line is the status or request line. */
	while ((p = memchr(p, '\n', end - p)) != NULL) {
		p++;
		if ((size_t)(end - p) > name_len && strncasecmp(p, name, name_len) == 0 && p[name_len] == ':') {
			const char *v = p + name_len + 1;
			int64_t n = 0;
			int digits = 0;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			for (; v < end && isdigit((unsigned char)*v) && digits < 18; v++, digits++)
				n = n * 10 + (*v - '0');
			return digits > 0 && (v == end || *v == '\r' || *v == ' ') ? n : -1;
		}
	}
	return -1;
}
