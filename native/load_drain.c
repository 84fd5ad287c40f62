/*
 * nfq_load drain: how fast a verdict loop empties a full queue. The loop is stopped (SIGSTOP)
 * while the queue fills; this sends it SIGCONT and watches the kernel's queue_total fall to 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfq_load.h"

#define QUEUE_FILE "/proc/net/netfilter/nfnetlink_queue"
#define MAX_QUEUES 64
#define POLL_PAUSE 50e-6

struct queue_set {
	unsigned int numbers[MAX_QUEUES];
	int count;
};

static struct queue_set parse_queue_list(const char *s)
{
	struct queue_set set = { .count = 0 };
	char copy[512], *item, *save;

	if (strlen(s) >= sizeof(copy))
		usage_error("-q %s: expected QUEUE[,QUEUE...]", s);
	strcpy(copy, s);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (set.count == MAX_QUEUES)
			usage_error("-q %s: at most %d queues", s, MAX_QUEUES);
		set.numbers[set.count++] = parse_u64('q', item, 0, 65535);
	}
	if (set.count == 0)
		usage_error("-q %s: expected QUEUE[,QUEUE...]", s);
	return set;
}

/* The sum of queue_total over the queues in set, read afresh from the open QUEUE_FILE.
 * Each line: queue_number peer_portid queue_total copy_mode copy_range queue_dropped
 * queue_user_dropped id_sequence 1. A queue without a line (not bound) holds nothing. */
static uint64_t queued_packets(int fd, const struct queue_set *set)
{
	static char buf[65536];
	ssize_t len = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t sum = 0;
	char *line, *save;

	if (len < 0)
		fail_errno("read %s", QUEUE_FILE);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int number, portid;
		unsigned long long total;
		int i;

		if (sscanf(line, "%u %u %llu", &number, &portid, &total) != 3)
			fail("%s: unexpected line '%s'", QUEUE_FILE, line);
		for (i = 0; i < set->count; i++)
			if (set->numbers[i] == number)
				sum += total;
	}
	return sum;
}

int cmd_drain(int argc, char **argv)
{
	struct queue_set set = { .count = 0 };
	long pid = 0;
	uint64_t expected = 0, initial, left, polls = 0;
	double seconds = 10, t0, t1, elapsed;
	int opt, fd;

	while ((opt = getopt(argc, argv, "q:P:t:e:")) != -1) {
		switch (opt) {
		case 'q': set = parse_queue_list(optarg); break;
		case 'P': pid = parse_u64(opt, optarg, 1, 0x7fffffff); break;
		case 't': seconds = parse_seconds(opt, optarg); break;
		case 'e': expected = parse_u64(opt, optarg, 0, UINT64_MAX); break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (set.count == 0 || pid == 0)
		usage_error("-q QUEUE[,QUEUE...] and -P PID are required");
	if (seconds == 0)
		usage_error("-t SECONDS must be above 0");
	install_stop_signals();

	fd = open(QUEUE_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_errno("open %s (is nfnetlink_queue loaded, in this network namespace?)", QUEUE_FILE);
	initial = queued_packets(fd, &set);
	if (initial == 0)
		fail("the queues hold no packets: nothing to drain (is the loop stopped and the queue filled?)");
	if (expected > 0 && initial < expected / 2)
		fail("the queues hold %llu packets, fewer than half the %llu expected (queue too short? "
		     "fail-open bypass? drops?)", (unsigned long long)initial, (unsigned long long)expected);

	t0 = now_seconds();
	if (kill(pid, SIGCONT) < 0)
		fail_errno("kill(%ld, SIGCONT)", pid);
	do {
		left = queued_packets(fd, &set);
		polls++;
		t1 = now_seconds();
		if (left == 0)
			break;
		if (stop_requested || t1 - t0 >= seconds)
			fail("%llu of %llu packets still queued after %.3f s", (unsigned long long)left,
			     (unsigned long long)initial, t1 - t0);
		sleep_seconds(POLL_PAUSE);
	} while (1);
	close(fd);
	elapsed = t1 - t0;
	printf("drained=%llu seconds=%.6f pps=%.1f polls=%llu\n", (unsigned long long)initial, elapsed,
	       elapsed > 0 ? initial / elapsed : 0.0, (unsigned long long)polls);
	fflush(stdout);
	return 0;
}
