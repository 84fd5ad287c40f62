/*
 * nfq_accept_loop: the C reference verdict loop that nfqwall's Java loop is measured against.
 *
 * libmnl-style libnetfilter_queue: one recvmmsg(MSG_WAITFORONE) per batch (wait for the first
 * packet, then take what is queued) and one sendto carrying the batch's NF_ACCEPT verdicts.
 * Queue setup defaults match QueueConfig.defaults: whole packets, 8192 queued, fail-open,
 * 16 MiB buffer.
 *
 * usage: nfq_accept_loop [-q QUEUE | -Q FIRST-LAST] [-b BATCH] [-n MAXPACKETS] [-t SECONDS]
 *                        [-l QUEUE_MAXLEN] [-B SOCKET_BUFFER_MIB] [-c COPY_RANGE]
 * -Q runs one thread per queue, each with its own socket, like a multi-queue daemon.
 * Stops after MAXPACKETS (over all queues) or SECONDS (0: no limit) or on SIGTERM/SIGINT, then
 * prints "packets=N receive_calls=N enobufs=N"; with -Q one "queue=N packets=N receive_calls=N
 * enobufs=N" line per queue and then "total packets=N".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define MAX_BATCH 1024
#define MAX_QUEUES 64
#define MAX_COPY_RANGE 0xffff
#define SLOT_OVERHEAD 512              /* a packet's netlink header and attributes */
#define VERDICT_SPACE 64               /* one verdict message is 32 bytes */
#define MAX_BUFFER_MIB 1024
#define RECEIVE_TIMEOUT_MS 200         /* how often an idle loop looks at the clock and signals */

/* Settings shared by every queue's thread; written only before the threads start. */
static struct {
	int batch;
	unsigned long max_packets;
	double seconds;
	int queue_maxlen;
	int buffer_bytes;
	int copy_range;
	size_t slot_size;
} cfg = { 64, 0, 0, 8192, 16 << 20, MAX_COPY_RANGE, MAX_COPY_RANGE + SLOT_OVERHEAD };

/* One queue's socket, buffers and counters; owned by its thread once started. */
struct queue_loop {
	int queue;
	pthread_t thread;
	struct mnl_socket *nl;
	unsigned int config_seq;
	char *slots, *verdicts, *config_buf;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned long packets, receive_calls, enobufs;
};

static volatile sig_atomic_t stop;
static unsigned long total_packets;   /* over all queues, for -n; updated atomically */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "nfq_accept_loop: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void die_queue(int queue, const char *what)
{
	fprintf(stderr, "nfq_accept_loop: queue %d: %s: %s\n", queue, what, strerror(errno));
	exit(1);
}

/* Appends an NF_ACCEPT verdict for every packet message in buf[0, len) at *out. */
static void accept_packets(struct queue_loop *q, struct nlmsghdr *nlh, int len, char **out)
{
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		struct nlattr *attr[NFQA_MAX + 1] = { 0 };
		struct nfqnl_msg_packet_hdr *ph;
		struct nlmsghdr *verdict;

		if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
			continue;
		if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
			continue;
		ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
		verdict = nfq_nlmsg_put(*out, NFQNL_MSG_VERDICT, q->queue);
		nfq_nlmsg_verdict_put(verdict, ntohl(ph->packet_id), NF_ACCEPT);
		*out += verdict->nlmsg_len;
		q->packets++;
	}
}

/* Sends buf[0, len) in one sendto; retries EINTR, counts ENOBUFS. */
static void send_all(struct queue_loop *q, char *buf, size_t len)
{
	while (len > 0 && mnl_socket_sendto(q->nl, buf, len) < 0) {
		if (errno == ENOBUFS) {
			q->enobufs++;
			return;
		}
		if (errno != EINTR)
			die_queue(q->queue, "sendto");
	}
}

/* Sends one configuration message, asking for an ACK, and waits for it; packets that
 * arrive meanwhile are accepted at once. */
static void configure(struct queue_loop *q, struct nlmsghdr *nlh, const char *what)
{
	char verdicts[VERDICT_SPACE];
	int waits = 0;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++q->config_seq;
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		die_queue(q->queue, what);
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(q->nl, q->config_buf, cfg.slot_size);
		struct nlmsghdr *reply = (struct nlmsghdr *)q->config_buf;
		int len = n, acked = 0;

		if (n < 0) {
			/* RCVTIMEO bounds each wait; the ACK gets 5 s in all. */
			if ((errno == EINTR || errno == EAGAIN) && ++waits < 5000 / RECEIVE_TIMEOUT_MS)
				continue;
			die_queue(q->queue, what);
		}
		for (; mnl_nlmsg_ok(reply, len); reply = mnl_nlmsg_next(reply, &len)) {
			char *out = verdicts;

			if (reply->nlmsg_type == NLMSG_ERROR && reply->nlmsg_seq == q->config_seq) {
				struct nlmsgerr *err = mnl_nlmsg_get_payload(reply);

				if (err->error != 0) {
					errno = -err->error;
					die_queue(q->queue, what);
				}
				acked = 1;
				continue;
			}
			accept_packets(q, reply, reply->nlmsg_len, &out);
			send_all(q, verdicts, out - verdicts);
		}
		if (acked)
			return;
	}
}

/* Allocates q's buffers, opens its socket and binds and configures its queue. */
static void open_queue(struct queue_loop *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct timeval timeout = { 0, RECEIVE_TIMEOUT_MS * 1000 };
	struct nlmsghdr *nlh;
	int i;

	q->slots = malloc((size_t)cfg.batch * cfg.slot_size);
	q->verdicts = malloc((size_t)cfg.batch * VERDICT_SPACE);
	q->config_buf = malloc(cfg.slot_size);
	if (!q->slots || !q->verdicts || !q->config_buf)
		die("malloc");
	for (i = 0; i < cfg.batch; i++) {
		q->iov[i].iov_base = q->slots + (size_t)i * cfg.slot_size;
		q->iov[i].iov_len = cfg.slot_size;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
	}

	q->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!q->nl || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die_queue(q->queue, "mnl_socket_open/bind");
	if (setsockopt(mnl_socket_get_fd(q->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &cfg.buffer_bytes, sizeof(cfg.buffer_bytes)) < 0)
		die_queue(q->queue, "setsockopt(SO_RCVBUFFORCE)");
	if (setsockopt(mnl_socket_get_fd(q->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
		die_queue(q->queue, "setsockopt(SO_RCVTIMEO)");

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	configure(q, nlh, "bind queue");

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->queue);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, cfg.copy_range);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, cfg.queue_maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	configure(q, nlh, "configure queue");
}

static double elapsed_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The verdict loop of one queue; runs on that queue's own thread. */
static void *run_queue(void *arg)
{
	struct queue_loop *q = arg;
	int fd = mnl_socket_get_fd(q->nl);
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!stop) {
		char *out = q->verdicts;
		unsigned long before = q->packets;
		int n, i;

		if (cfg.seconds > 0 && elapsed_since(&start) >= cfg.seconds)
			break;
		n = recvmmsg(fd, q->msgs, cfg.batch, MSG_WAITFORONE, NULL);
		q->receive_calls++;
		if (n < 0) {
			if (errno == ENOBUFS)
				q->enobufs++;
			else if (errno != EAGAIN && errno != EINTR)
				die_queue(q->queue, "recvmmsg");
			continue;
		}
		for (i = 0; i < n; i++)
			accept_packets(q, q->iov[i].iov_base, q->msgs[i].msg_len, &out);
		send_all(q, q->verdicts, out - q->verdicts);
		if (cfg.max_packets > 0 &&
		    __atomic_add_fetch(&total_packets, q->packets - before, __ATOMIC_RELAXED) >= cfg.max_packets)
			stop = 1;
	}
	return NULL;
}

/* Parses a whole decimal number in [min, max] or exits with a usage error. */
static long parse_number(int opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "nfq_accept_loop: -%c %s: expected a number in %ld..%ld\n", opt, s, min, max);
		exit(2);
	}
	return v;
}

/* Parses "N" or "FIRST-LAST" into *first, *last or exits with a usage error. */
static void parse_queue_range(const char *s, int *first, int *last)
{
	char copy[32], *dash;

	if (strlen(s) >= sizeof(copy)) {
		fprintf(stderr, "nfq_accept_loop: -Q %s: expected FIRST-LAST\n", s);
		exit(2);
	}
	strcpy(copy, s);
	dash = strchr(copy, '-');
	if (dash)
		*dash = '\0';
	*first = parse_number('Q', copy, 0, 65535);
	*last = dash ? parse_number('Q', dash + 1, 0, 65535) : *first;
	if (*last < *first || *last - *first + 1 > MAX_QUEUES) {
		fprintf(stderr, "nfq_accept_loop: -Q %s: expected FIRST-LAST with FIRST <= LAST, at most %d queues\n",
			s, MAX_QUEUES);
		exit(2);
	}
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-q QUEUE | -Q FIRST-LAST] [-b BATCH 1..%d] [-n MAXPACKETS] [-t SECONDS]\n"
		"       [-l QUEUE_MAXLEN=8192] [-B SOCKET_BUFFER_MIB=16] [-c COPY_RANGE=65535]\n",
		argv0, MAX_BATCH);
	exit(2);
}

int main(int argc, char **argv)
{
	int first = 0, last = 0, multi = 0, single = 0, opt, i, count;
	struct sigaction sa = { .sa_handler = on_signal };  /* no SA_RESTART: a signal ends recvmmsg */
	struct queue_loop *loops;
	unsigned long total = 0;

	while ((opt = getopt(argc, argv, "q:Q:b:n:t:l:B:c:")) != -1) {
		switch (opt) {
		case 'q': first = last = parse_number(opt, optarg, 0, 65535); single = 1; break;
		case 'Q': parse_queue_range(optarg, &first, &last); multi = 1; break;
		case 'b': cfg.batch = parse_number(opt, optarg, 1, MAX_BATCH); break;
		case 'n': cfg.max_packets = parse_number(opt, optarg, 0, 0x7fffffffffffffffL); break;
		case 't':
			cfg.seconds = atof(optarg);
			if (cfg.seconds < 0) {
				fprintf(stderr, "nfq_accept_loop: -t %s: expected SECONDS >= 0\n", optarg);
				return 2;
			}
			break;
		case 'l': cfg.queue_maxlen = parse_number(opt, optarg, 1, 0x7fffffff); break;
		case 'B': cfg.buffer_bytes = parse_number(opt, optarg, 1, MAX_BUFFER_MIB) << 20; break;
		case 'c': cfg.copy_range = parse_number(opt, optarg, 0, MAX_COPY_RANGE); break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
	if (single && multi) {
		fprintf(stderr, "nfq_accept_loop: -q and -Q exclude each other\n");
		return 2;
	}
	cfg.slot_size = (size_t)cfg.copy_range + SLOT_OVERHEAD;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	count = last - first + 1;
	loops = calloc(count, sizeof(*loops));
	if (!loops)
		die("calloc");
	for (i = 0; i < count; i++) {
		loops[i].queue = first + i;
		open_queue(&loops[i]);
	}
	if (!multi) {
		run_queue(&loops[0]);
	} else {
		for (i = 0; i < count; i++) {
			errno = pthread_create(&loops[i].thread, NULL, run_queue, &loops[i]);
			if (errno)
				die("pthread_create");
		}
		for (i = 0; i < count; i++)
			pthread_join(loops[i].thread, NULL);
	}

	for (i = 0; i < count; i++) {
		struct queue_loop *q = &loops[i];

		if (multi)
			printf("queue=%d ", q->queue);
		printf("packets=%lu receive_calls=%lu enobufs=%lu\n", q->packets, q->receive_calls, q->enobufs);
		total += q->packets;
		mnl_socket_close(q->nl);
	}
	if (multi)
		printf("total packets=%lu\n", total);
	fflush(stdout);
	return 0;
}
