/** Reads DNS responses (RFC 1035) from UDP payloads: the question name, its CNAME chain and the A/AAAA addresses answered. */
package org.nfqwall.inspect.dns;
