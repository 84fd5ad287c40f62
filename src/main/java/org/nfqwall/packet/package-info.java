/** Header views and checks over a buffer: IPv4, IPv6, TCP and UDP decoded in place, without allocation. */
package org.nfqwall.packet;
