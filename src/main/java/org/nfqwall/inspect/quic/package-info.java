/** QUIC Initial packets: keys from the connection ID, header protection, CRYPTO frames, the ClientHello. */
package org.nfqwall.inspect.quic;
