/** TLS ClientHello (SNI, ALPN, ECH) on a client byte stream. */
package org.nfqwall.inspect.tls;
