/*
 * nfq_load flood: many TCP flows of pipelined HTTP request heads, forged on a raw socket, so a
 * verdict loop sees a realistic mix of flows at a rate no real client set reaches.
 *
 * Each flow (one source address and port) is a valid in-order stream: its sequence number
 * advances by the payload length with every segment. No handshake is sent, so the path must
 * accept mid-stream flows (nf_conntrack_tcp_be_liberal or no conntrack at all).
 * With -m body, each flow opens with one POST head whose Content-Length never runs out and then
 * carries body bytes: what an inspecting loop costs on segments that need no parsing.
 * -P gives the first source port, so that each run can use flows no earlier run touched.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfq_load.h"

#define MAX_BATCH 1024
#define MAX_HOSTNAME 100
#define SLOT_SIZE 512            /* 40 header bytes + a request head with a hostname of at most 100 */
#define FIRST_SOURCE_PORT 20000
#define MAX_FLOWS (1u << 22)
#define NUMBER_DIGITS 10         /* fixed width, so every segment of a run has the same length */
#define RETRY_PAUSE 20e-6        /* after ENOBUFS/EAGAIN: let the device queue drain a little */
#define SEND_TIMEOUT_MS 200      /* bounds a blocking sendmmsg so the time limit holds */
#define MAX_STALL_SECONDS 5.0    /* sends failing for this long without progress: give up */

struct flood_config {
	uint32_t dst;
	uint16_t dport;
	struct ipv4_range src;
	uint32_t flows_per_src;
	uint64_t max_packets;        /* 0: no count limit */
	double seconds;              /* 0: no time limit */
	double rate;                 /* packets per second, 0: as fast as possible */
	const char *hostname;
	int batch;
	int body;                    /* -m body: a POST head per flow, then body segments */
	uint16_t first_port;
};

enum segment_kind { GET_HEAD, POST_HEAD, BODY };

/* One segment under construction: the fixed parts come from a template, the rest per packet. */
struct segment_template {
	uint8_t bytes[SLOT_SIZE];
	size_t length;               /* IP header + TCP header + payload */
	size_t payload_length;
	size_t number_offset;        /* where the request number's digits go; 0: none */
};

/* The ones' complement sum of data as 16-bit words in memory order (RFC 1071); byte order does
 * not matter as long as the folded result is stored the same way. */
static uint32_t sum_words(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint16_t w;

	for (; len > 1; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void build_template(struct segment_template *t, const struct flood_config *c, enum segment_kind kind)
{
	struct iphdr *ip = (struct iphdr *)t->bytes;
	struct tcphdr *tcp = (struct tcphdr *)(t->bytes + sizeof(*ip));
	char *payload = (char *)(tcp + 1);
	size_t room = SLOT_SIZE - sizeof(*ip) - sizeof(*tcp);
	int n;

	memset(t, 0, sizeof(*t));
	n = snprintf(payload, room, "GET /bench/%0*d HTTP/1.1\r\nHost: %s\r\nUser-Agent: nfq_load\r\n"
		     "Accept: */*\r\nConnection: keep-alive\r\n\r\n", NUMBER_DIGITS, 0, c->hostname);
	if (kind == GET_HEAD) {
		t->number_offset = sizeof(*ip) + sizeof(*tcp) + strlen("GET /bench/");
	} else if (kind == POST_HEAD) {
		n = snprintf(payload, room, "POST /upload HTTP/1.1\r\nHost: %s\r\nUser-Agent: nfq_load\r\n"
			     "Content-Length: 999999999999999\r\n\r\n", c->hostname);
	} else {
		memset(payload, 'x', n);   /* body segments as long as a head */
	}
	t->payload_length = n;
	t->length = sizeof(*ip) + sizeof(*tcp) + n;

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(t->length);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->daddr = htonl(c->dst);

	tcp->dest = htons(c->dport);
	tcp->ack_seq = htonl(1);
	tcp->doff = 5;
	tcp->psh = 1;
	tcp->ack = 1;
	tcp->window = htons(65535);
}

/* Fills slot with segment number k of flow (src, sport, seq) from the template. */
static void build_segment(uint8_t *slot, const struct segment_template *t, uint32_t src,
			  uint16_t sport, uint32_t seq, uint16_t ip_id, uint64_t k)
{
	struct iphdr *ip = (struct iphdr *)slot;
	struct tcphdr *tcp = (struct tcphdr *)(slot + sizeof(*ip));
	size_t tcp_length = t->length - sizeof(*ip);
	char *digit;
	uint32_t sum;

	memcpy(slot, t->bytes, t->length);
	for (digit = (char *)slot + t->number_offset + NUMBER_DIGITS - 1;
	     t->number_offset > 0 && digit >= (char *)slot + t->number_offset; digit--, k /= 10)
		*digit = '0' + k % 10;

	ip->saddr = htonl(src);
	ip->id = htons(ip_id);
	ip->check = fold(sum_words(ip, sizeof(*ip), 0));

	tcp->source = htons(sport);
	tcp->seq = htonl(seq);
	/* The pseudo-header of RFC 793 section 3.1: addresses, protocol, TCP length. */
	sum = (ip->saddr & 0xffff) + (ip->saddr >> 16) + (ip->daddr & 0xffff) + (ip->daddr >> 16)
	      + htons(IPPROTO_TCP) + htons(tcp_length);
	tcp->check = fold(sum_words(tcp, tcp_length, sum));
}

static int open_raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), on = 1;
	struct timeval timeout = { 0, SEND_TIMEOUT_MS * 1000 };

	if (fd < 0)
		fail_errno("socket(AF_INET, SOCK_RAW) (needs root or CAP_NET_RAW)");
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0)
		fail_errno("setsockopt(IP_HDRINCL)");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
		fail_errno("setsockopt(SO_SNDTIMEO)");
	return fd;
}

/* Waits until CLOCK_MONOTONIC reaches deadline: sleeps while far off, then spins, since
 * nanosleep overshoots by tens of microseconds. */
static void wait_until(double deadline)
{
	double left;

	while (!stop_requested && (left = deadline - now_seconds()) > 0) {
		if (left > 200e-6)
			sleep_seconds(left - 100e-6);
	}
}

static void parse_flood_options(int argc, char **argv, struct flood_config *c)
{
	int opt, have_dst = 0, have_port = 0, have_src = 0;

	*c = (struct flood_config){ .flows_per_src = 256, .hostname = "bench.test", .batch = 64,
				    .first_port = FIRST_SOURCE_PORT };
	while ((opt = getopt(argc, argv, "d:p:S:f:n:t:r:H:b:m:P:")) != -1) {
		switch (opt) {
		case 'd': c->dst = parse_ipv4(opt, optarg); have_dst = 1; break;
		case 'p': c->dport = parse_u64(opt, optarg, 1, 65535); have_port = 1; break;
		case 'S': c->src = parse_ipv4_range(opt, optarg); have_src = 1; break;
		case 'f': c->flows_per_src = parse_u64(opt, optarg, 1, 65535); break;
		case 'n': c->max_packets = parse_u64(opt, optarg, 1, UINT64_MAX); break;
		case 't': c->seconds = parse_seconds(opt, optarg); break;
		case 'r': c->rate = parse_u64(opt, optarg, 0, 100000000); break;
		case 'H':
			if (strlen(optarg) < 1 || strlen(optarg) > MAX_HOSTNAME || strpbrk(optarg, "\r\n "))
				usage_error("-H %s: expected a host name of 1..%d characters", optarg, MAX_HOSTNAME);
			c->hostname = optarg;
			break;
		case 'b': c->batch = parse_u64(opt, optarg, 1, MAX_BATCH); break;
		case 'P': c->first_port = parse_u64(opt, optarg, 1, 65535); break;
		case 'm':
			if (strcmp(optarg, "head") != 0 && strcmp(optarg, "body") != 0)
				usage_error("-m %s: expected head or body", optarg);
			c->body = strcmp(optarg, "body") == 0;
			break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_dst || !have_port || !have_src)
		usage_error("-d DST_IPV4, -p DPORT and -S SRC_FIRST[-SRC_LAST] are required");
	if (c->max_packets == 0 && c->seconds == 0)
		usage_error("give -n PACKETS or -t SECONDS (or both)");
	if ((uint64_t)c->first_port + c->flows_per_src > 65536)
		usage_error("-P %u with -f %u: source ports past 65535", c->first_port, c->flows_per_src);
	if ((uint64_t)(c->src.last - c->src.first + 1) * c->flows_per_src > MAX_FLOWS)
		usage_error("%llu flows: at most %u (addresses x -f)",
			    (unsigned long long)(c->src.last - c->src.first + 1) * c->flows_per_src, MAX_FLOWS);
}

int cmd_flood(int argc, char **argv)
{
	struct flood_config c;
	struct segment_template t, post;
	struct sockaddr_in dst;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	uint8_t *slots;
	uint32_t *seqs, sources, flows, flow = 0;
	uint64_t sent = 0, send_errors = 0, built = 0;
	uint16_t ip_id = 1;
	double start, end_time, elapsed;
	int fd, i;

	parse_flood_options(argc, argv, &c);
	install_stop_signals();
	sources = c.src.last - c.src.first + 1;
	flows = sources * c.flows_per_src;
	build_template(&t, &c, c.body ? BODY : GET_HEAD);
	build_template(&post, &c, POST_HEAD);
	dst = ipv4_sockaddr(c.dst, c.dport);

	seqs = malloc(flows * sizeof(*seqs));
	slots = malloc((size_t)c.batch * SLOT_SIZE);
	if (!seqs || !slots)
		fail_errno("malloc");
	for (flow = 0; flow < flows; flow++)
		seqs[flow] = 0x10000000u + flow * 2654435761u;   /* spread, so flows do not look alike */
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < c.batch; i++) {
		iov[i].iov_base = slots + (size_t)i * SLOT_SIZE;
		iov[i].iov_len = t.length;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fd = open_raw_socket();

	start = now_seconds();
	end_time = c.seconds > 0 ? start + c.seconds : 1e300;
	flow = 0;
	while (!stop_requested && (c.max_packets == 0 || sent < c.max_packets)) {
		int count = c.batch, done = 0;
		double stalled_since = 0;

		if (c.max_packets > 0 && c.max_packets - sent < (uint64_t)count)
			count = c.max_packets - sent;
		if (c.rate > 0)
			wait_until(start + sent / c.rate);
		if (now_seconds() >= end_time)
			break;
		for (i = 0; i < count; i++) {
			/* Flows interleave the addresses: consecutive segments come from different hosts. */
			uint32_t src = c.src.first + flow % sources;
			uint16_t sport = c.first_port + flow / sources;
			/* -m body: the first round over the flows opens each with its POST head. */
			const struct segment_template *seg = c.body && built < flows ? &post : &t;

			build_segment(iov[i].iov_base, seg, src, sport, seqs[flow], ip_id++, built++);
			iov[i].iov_len = seg->length;
			seqs[flow] += seg->payload_length;
			if (++flow == flows)
				flow = 0;
		}
		while (done < count && !stop_requested) {
			int n = sendmmsg(fd, msgs + done, count - done, 0);

			double now;

			if (n >= 0) {
				done += n;
				stalled_since = 0;
				continue;
			}
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				fail_errno("sendmmsg");
			if (errno != EINTR)
				send_errors++;
			now = now_seconds();
			if (now >= end_time)
				break;
			if (stalled_since == 0)
				stalled_since = now;
			else if (now - stalled_since > MAX_STALL_SECONDS)
				fail("no packet could be sent for %.0f s (%llu ENOBUFS/EAGAIN)", MAX_STALL_SECONDS,
				     (unsigned long long)send_errors);
			sleep_seconds(RETRY_PAUSE);
		}
		sent += done;
		if (done < count)
			break;
	}
	elapsed = now_seconds() - start;
	close(fd);
	printf("sent=%llu send_errors=%llu seconds=%.3f pps=%.1f flows=%u\n", (unsigned long long)sent,
	       (unsigned long long)send_errors, elapsed, elapsed > 0 ? sent / elapsed : 0.0, flows);
	fflush(stdout);
	return 0;
}
