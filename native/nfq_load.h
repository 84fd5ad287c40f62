/*
 * nfq_load: shared helpers of the benchmark load tool (see nfq_load.c for the usage).
 * Benchmarks only: every loop is bounded in count and time, errors exit 1, usage errors exit 2.
 */
#ifndef NFQ_LOAD_H
#define NFQ_LOAD_H

#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_USAGE 2

/* Set by SIGTERM/SIGINT once install_stop_signals() ran; every loop looks at it. */
extern volatile sig_atomic_t stop_requested;

/* An inclusive IPv4 range in host byte order. */
struct ipv4_range {
	uint32_t first, last;
};

/* The subcommands; each parses its own options from argv[1..] and returns the exit status. */
int cmd_flood(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_rtt(int argc, char **argv);
int cmd_rps(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_drain(int argc, char **argv);

/* Errors: "nfq_load CMD: message" on stderr. fail() exits 1, fail_errno() adds strerror(errno),
 * usage_error() exits 2. */
void set_command_name(const char *name);
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void fail_errno(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Option values: each exits with a usage error naming the option unless the whole string parses. */
uint64_t parse_u64(int opt, const char *s, uint64_t min, uint64_t max);
double parse_seconds(int opt, const char *s);
uint32_t parse_ipv4(int opt, const char *s);
struct ipv4_range parse_ipv4_range(int opt, const char *s);

/* CLOCK_MONOTONIC in seconds. */
double now_seconds(void);
void sleep_seconds(double seconds);

/* SIGTERM/SIGINT set stop_requested (no SA_RESTART, so blocking calls return EINTR);
 * SIGPIPE is ignored. */
void install_stop_signals(void);

/* Raises RLIMIT_NOFILE to its hard limit, for servers and clients with many sockets. */
void raise_fd_limit(void);

/* A sockaddr_in for a host-order address and port. */
struct sockaddr_in ipv4_sockaddr(uint32_t addr, uint16_t port);

/* Case-insensitive search for needle in haystack[0, len). */
const char *find_nocase(const char *haystack, size_t len, const char *needle);

/* The value of header NAME (e.g. "content-length") in head[0, len) as a number, or -1 if absent
 * or not a number. */
int64_t header_number(const char *head, size_t len, const char *name);

#endif
