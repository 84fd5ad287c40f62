/*
 * nfq_load: load generators and a small HTTP server for nfqwall's benchmarks (scripts/bench).
 * Benchmarks only, in private network namespaces or on loopback: not a general-purpose tool.
 *
 * usage:
 *   nfq_load flood -d DST_IPV4 -p DPORT -S SRC_FIRST[-SRC_LAST] [-f FLOWS_PER_SRC=256]
 *                  [-n PACKETS] [-t SECONDS] [-r RATE_PPS=0] [-H HOSTNAME=bench.test] [-b BATCH=64]
 *                  [-m head|body] [-P FIRST_SOURCE_PORT=20000]
 *       raw IPv4 TCP PSH|ACK segments, each one pipelined HTTP/1.1 request head, round-robin over
 *       SRC addresses x FLOWS_PER_SRC source ports (FIRST_SOURCE_PORT+i); at least one of -n and -t.
 *       -m body: each flow's first segment is a POST head that never ends, the rest body bytes.
 *       -> sent=N send_errors=N seconds=S pps=R flows=F
 *   nfq_load serve -p PORT [-l LISTEN_ADDR=0.0.0.0] [-t SECONDS=0 (until SIGTERM)]
 *       HTTP/1.1 keep-alive server: GET /bytes/N -> N body bytes, anything else -> "ok".
 *       prints "listening port=PORT" once listening; on stop -> served_requests=N connections=N
 *   nfq_load rtt -d DST -p PORT -n COUNT [-i INTERVAL_US=200] [-w WARMUP=200] [-t SECONDS=30]
 *       one keep-alive connection, one request at a time.
 *       -> count=N p50_us=X p90_us=X p99_us=X min_us=X max_us=X mean_us=X
 *   nfq_load rps -d DST -p PORT -t SECONDS [-c CONCURRENCY=16] [-n MAX_REQUESTS=0]
 *                [-S SRC_FIRST[-SRC_LAST]]
 *       a new connection per request ("Connection: close"), CONCURRENCY in flight.
 *       -> requests=N errors=N seconds=S rps=R
 *   nfq_load get -d DST -p PORT -b BYTES [-t SECONDS=120]
 *       one GET /bytes/BYTES, timed from connect to the last byte.
 *       -> bytes=N seconds=S mbit_s=R
 *   nfq_load drain -q QUEUE[,QUEUE...] -P PID [-t SECONDS=10] [-e EXPECTED=0]
 *       sends SIGCONT to a stopped verdict loop and times until the queues are empty.
 *       -> drained=N seconds=S pps=R polls=N
 *
 * Each prints exactly one result line on stdout; errors go to stderr and exit 1, usage errors 2.
 */
#include <stdio.h>
#include <string.h>

#include "nfq_load.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "flood", cmd_flood },
	{ "serve", cmd_serve },
	{ "rtt", cmd_rtt },
	{ "rps", cmd_rps },
	{ "get", cmd_get },
	{ "drain", cmd_drain },
};

static void print_usage(void)
{
	fputs("usage:\n"
	      "  nfq_load flood -d DST_IPV4 -p DPORT -S SRC_FIRST[-SRC_LAST] [-f FLOWS_PER_SRC=256]\n"
	      "                 [-n PACKETS] [-t SECONDS] [-r RATE_PPS=0] [-H HOSTNAME=bench.test] [-b BATCH=64]\n"
	      "                 [-m head|body] [-P FIRST_SOURCE_PORT=20000]\n"
	      "  nfq_load serve -p PORT [-l LISTEN_ADDR=0.0.0.0] [-t SECONDS=0]\n"
	      "  nfq_load rtt   -d DST -p PORT -n COUNT [-i INTERVAL_US=200] [-w WARMUP=200] [-t SECONDS=30]\n"
	      "  nfq_load rps   -d DST -p PORT -t SECONDS [-c CONCURRENCY=16] [-n MAX_REQUESTS=0]\n"
	      "                 [-S SRC_FIRST[-SRC_LAST]]\n"
	      "  nfq_load get   -d DST -p PORT -b BYTES [-t SECONDS=120]\n"
	      "  nfq_load drain -q QUEUE[,QUEUE...] -P PID [-t SECONDS=10] [-e EXPECTED=0]\n",
	      stderr);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_usage();
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			set_command_name(commands[i].name);
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "nfq_load: unknown command '%s'\n", argv[1]);
	print_usage();
	return EXIT_USAGE;
}
