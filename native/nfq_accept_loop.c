/*
 * nfq_accept_loop: the C reference verdict loop that nfqwall's Java loop is measured against.
 *
 * libmnl-style libnetfilter_queue: one recvmmsg(MSG_WAITFORONE) per batch (wait for the first
 * packet, then take what is queued) and one sendto carrying the batch's NF_ACCEPT verdicts.
 * Queue setup matches QueueConfig.defaults: whole packets, 8192 queued, fail-open, 16 MiB buffer.
 *
 * usage: nfq_accept_loop [-q QUEUE] [-b BATCH] [-n MAXPACKETS] [-t SECONDS]
 * Stops after MAXPACKETS or SECONDS (0: no limit) or on SIGTERM/SIGINT, then prints
 * "packets=N receive_calls=N enobufs=N".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
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
#define COPY_RANGE 0xffff
#define SLOT_SIZE (COPY_RANGE + 512)   /* the packet plus its netlink header and attributes */
#define VERDICT_SPACE 64               /* one verdict message is 32 bytes */
#define RECEIVE_BUFFER (16 << 20)
#define QUEUE_MAXLEN 8192
#define RECEIVE_TIMEOUT_MS 200         /* how often an idle loop looks at the clock and signals */

static volatile sig_atomic_t stop;
static unsigned long packets, receive_calls, enobufs;

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

/* Appends an NF_ACCEPT verdict for every packet message in buf[0, len) at *out. */
static void accept_packets(struct nlmsghdr *nlh, int len, int queue, char **out)
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
		verdict = nfq_nlmsg_put(*out, NFQNL_MSG_VERDICT, queue);
		nfq_nlmsg_verdict_put(verdict, ntohl(ph->packet_id), NF_ACCEPT);
		*out += verdict->nlmsg_len;
		packets++;
	}
}

/* Sends buf[0, len) in one sendto; retries EINTR, counts ENOBUFS. */
static void send_all(struct mnl_socket *nl, char *buf, size_t len)
{
	while (len > 0 && mnl_socket_sendto(nl, buf, len) < 0) {
		if (errno == ENOBUFS) {
			enobufs++;
			return;
		}
		if (errno != EINTR)
			die("sendto");
	}
}

/* Sends one configuration message, asking for an ACK, and waits for it; packets that
 * arrive meanwhile are accepted at once. */
static void configure(struct mnl_socket *nl, struct nlmsghdr *nlh, int queue, const char *what)
{
	static unsigned int seq;
	static char buf[SLOT_SIZE];
	char verdicts[VERDICT_SPACE];

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die(what);
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *reply = (struct nlmsghdr *)buf;
		int len = n, acked = 0;

		if (n < 0)
			die(what);
		for (; mnl_nlmsg_ok(reply, len); reply = mnl_nlmsg_next(reply, &len)) {
			char *out = verdicts;

			if (reply->nlmsg_type == NLMSG_ERROR && reply->nlmsg_seq == seq) {
				struct nlmsgerr *err = mnl_nlmsg_get_payload(reply);

				if (err->error != 0) {
					errno = -err->error;
					die(what);
				}
				acked = 1;
				continue;
			}
			accept_packets(reply, reply->nlmsg_len, queue, &out);
			send_all(nl, verdicts, out - verdicts);
		}
		if (acked)
			return;
	}
}

static struct mnl_socket *open_queue(int queue)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct timeval timeout = { 0, RECEIVE_TIMEOUT_MS * 1000 };
	int rcvbuf = RECEIVE_BUFFER;
	struct nlmsghdr *nlh;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("mnl_socket_open/bind");
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		die("setsockopt(SO_RCVBUFFORCE)");
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
		die("setsockopt(SO_RCVTIMEO)");

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	configure(nl, nlh, queue, "bind queue");

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, QUEUE_MAXLEN);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	configure(nl, nlh, queue, "configure queue");
	return nl;
}

int main(int argc, char **argv)
{
	int queue = 0, batch = 64, opt, fd, i;
	unsigned long max_packets = 0;
	double seconds = 0;
	struct sigaction sa = { .sa_handler = on_signal };  /* no SA_RESTART: a signal ends recvmmsg */
	struct mmsghdr msgs[MAX_BATCH] = { 0 };
	struct iovec iov[MAX_BATCH];
	struct timespec start, now;
	struct mnl_socket *nl;
	char *slots, *verdicts;

	while ((opt = getopt(argc, argv, "q:b:n:t:")) != -1) {
		switch (opt) {
		case 'q': queue = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'n': max_packets = strtoul(optarg, NULL, 10); break;
		case 't': seconds = atof(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-q QUEUE] [-b BATCH 1..%d] [-n MAXPACKETS] [-t SECONDS]\n",
				argv[0], MAX_BATCH);
			return 2;
		}
	}
	if (batch < 1 || batch > MAX_BATCH) {
		fprintf(stderr, "nfq_accept_loop: -b %d: expected 1..%d\n", batch, MAX_BATCH);
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	slots = malloc((size_t)batch * SLOT_SIZE);
	verdicts = malloc((size_t)batch * VERDICT_SPACE);
	if (!slots || !verdicts)
		die("malloc");
	for (i = 0; i < batch; i++) {
		iov[i].iov_base = slots + (size_t)i * SLOT_SIZE;
		iov[i].iov_len = SLOT_SIZE;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	nl = open_queue(queue);
	fd = mnl_socket_get_fd(nl);
	clock_gettime(CLOCK_MONOTONIC, &start);

	while (!stop && (max_packets == 0 || packets < max_packets)) {
		char *out = verdicts;
		int n;

		if (seconds > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 >= seconds)
				break;
		}
		n = recvmmsg(fd, msgs, batch, MSG_WAITFORONE, NULL);
		receive_calls++;
		if (n < 0) {
			if (errno == ENOBUFS)
				enobufs++;
			else if (errno != EAGAIN && errno != EINTR)
				die("recvmmsg");
			continue;
		}
		for (i = 0; i < n; i++)
			accept_packets(iov[i].iov_base, msgs[i].msg_len, queue, &out);
		send_all(nl, verdicts, out - verdicts);
	}

	printf("packets=%lu receive_calls=%lu enobufs=%lu\n", packets, receive_calls, enobufs);
	mnl_socket_close(nl);
	return 0;
}
